// Fuzz of every handler over real sockets, bounded and seeded (FUZZ_SEED to vary it): fuzzing
// clients of every kind (classic, delta, mismatched, polling, raw packets) next to two honest
// players, with the rate limits raised and at their defaults. Nothing crashes or corrupts the
// world, every verdict agrees with the protocol, and honest play goes on. Past 250 lines because
// one scenario needs all of it: the fenced arena, the verdict tap, the honest pair and the checks.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import {
  battleSystems, Cooldown, createRng, getStore, Health, Input, movementSystem, NetId, Player, Position, query, Score,
  type BattleWorld, type System,
} from '../../engine';
import { checkAttack, createClient, entityOf, type GameClient, type GameServer, type Logger, type RateLimits } from '../../net';
import * as parser from '../../net/wire/parser';
import { Harness, rules } from './harness';
import { sleep, waitFor } from '../helpers';
import { runFuzzer, type FuzzerKind, type FuzzerResult } from './fuzz-client';
import { CaseCount, FUZZ_SEED, hex, shouldAccept } from './fuzzing';

const cases = new CaseCount('socket fuzz');
const FuzzSocket = suite<{ h: Harness }>('fuzz: socket');
FuzzSocket.before.each((ctx) => {
  ctx.h = new Harness();
});
FuzzSocket.after.each(async (ctx) => {
  await ctx.h.close();
});

/** Limits so high that every message reaches its handler's validation. */
const OPEN_LIMITS: RateLimits = {
  inputsPerSecond: 1e9, inputBurst: 1e9, messagesPerSecond: 1e9, messageBurst: 1e9,
  errorRepliesPerSecond: 1e9, errorReplyBurst: 1e9, strikeBudget: 1e9, strikeRefillPerSecond: 1e9,
};

// The honest players patrol lanes 20 apart (attack range is 10) in the map's low corner; every other
// player is fenced into the far corner. So the honest players' health and score can only change
// by a bug, and the final controlled hit shows the check would notice one.
const LANES = [10, 30];
const PATROL = [5, 25] as const;
const FENCE = 70;

/** The test's arena: which entities are honest, and a system that fences everyone else away. */
class Arena {
  /** Entities of the honest players. */
  readonly honest = new Set<number>();
  /** Session tokens of the honest players: their sessions must live throughout. */
  readonly tokens = new Set<string>();
  readonly systems: System<BattleWorld>[];

  constructor() {
    const fence = (world: BattleWorld): void => {
      const pos = getStore(world, Position);
      for (const eid of query(world, [getStore(world, Player)])) {
        if (this.honest.has(eid)) continue;
        // `<`, not `!(>=)`: a NaN must stay NaN for the invariant checks to see it.
        if (pos.x[eid]! < FENCE) pos.x[eid] = FENCE;
        if (pos.y[eid]! < FENCE) pos.y[eid] = FENCE;
      }
    };
    // After movement and before combat: fuzzers never stand within reach of an honest player.
    const at = battleSystems.indexOf(movementSystem) + 1;
    this.systems = [...battleSystems.slice(0, at), fence, ...battleSystems.slice(at)];
  }
}

/** Every way the server's world can be corrupt, as a list of problems (empty when sound). */
function worldProblems(server: GameServer, arena: Arena): string[] {
  const { world, sessions: { byToken: players, bySocketId } } = server.match;
  const out: string[] = [];
  const eids = query(world, [getStore(world, Player)]);
  if (world.sync.byNetId.size !== players.size) out.push(`byNetId ${world.sync.byNetId.size} ≠ players ${players.size}`);
  if (eids.length !== players.size) out.push(`Player entities ${eids.length} ≠ players ${players.size}`);
  if (world.inputs.size !== players.size) out.push(`input queues ${world.inputs.size} ≠ players ${players.size}`);
  for (const [sid, s] of bySocketId) if (s.socket?.id !== sid || players.get(s.token) !== s) out.push(`session ${sid} not a connected player`);
  for (const token of arena.tokens) if (!players.get(token)?.socket) out.push('an honest player lost its connection');
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const input = getStore(world, Input);
  const score = getStore(world, Score);
  for (const eid of eids) {
    const [x, y, hp, max] = [pos.x[eid]!, pos.y[eid]!, health.hp[eid]!, health.max[eid]!];
    if (!(x >= 0 && x <= rules.map.width && y >= 0 && y <= rules.map.height)) out.push(`entity ${eid} at (${x}, ${y})`);
    if (!(hp >= 0 && hp <= max) || max !== rules.health) out.push(`entity ${eid} hp ${hp}/${max}`);
    if (![input.mx[eid], input.my[eid], input.tx[eid], input.ty[eid]].every((v) => Number.isFinite(v))) out.push(`entity ${eid} input not finite`);
    if (Math.hypot(input.mx[eid]!, input.my[eid]!) > Math.SQRT2 + 1e-6) out.push(`entity ${eid} direction too long`);
    if (arena.honest.has(eid) && (hp !== rules.health || score.kills[eid] !== 0 || score.deaths[eid] !== 0)) {
      out.push(`honest entity ${eid}: hp ${hp}, kills ${score.kills[eid]}, deaths ${score.deaths[eid]}`);
    }
  }
  return out;
}

/**
 * Watches, on the server, every message the match handles: one listener just before the match's
 * own and one just after, so the change in the match's counters between them is that message's
 * verdict, which must agree with the protocol (`shouldAccept`) unless the message was rate-dropped.
 */
interface Tap {
  seen: number;
  valid: number;
  invalid: number;
  dropped: number;
  bySid: Map<string, number>;
  /** Messages whose verdict disagreed with the protocol (first few, described). */
  disagreements: string[];
}

function tap(server: GameServer): Tap {
  const t: Tap = { seen: 0, valid: 0, invalid: 0, dropped: 0, bySid: new Map(), disagreements: [] };
  const stats = server.match.stats;
  server.io.on('connection', (socket) => {
    let before: { rejected: number; dropped: number; counted: boolean } | undefined;
    socket.prependAny((event: unknown, ...args: unknown[]) => {
      // Counted as the match counts: only while this socket is its session's connection.
      const counted = server.match.sessions.bySocketId.get(socket.id)?.socket === socket;
      before = { rejected: stats.rejected, dropped: stats.dropped, counted };
      if (!counted) return;
      t.seen++;
      t.bySid.set(socket.id, (t.bySid.get(socket.id) ?? 0) + 1);
    });
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (before === undefined || !before.counted) return;
      if (stats.dropped > before.dropped) {
        t.dropped++;
        return;
      }
      const refused = stats.rejected > before.rejected;
      const valid = shouldAccept(event, args);
      if (valid) t.valid++;
      else t.invalid++;
      if (refused === valid && t.disagreements.length < 5) {
        t.disagreements.push(`${refused ? 'refused' : 'accepted'} ${String(event).slice(0, 20)} ${describe(args)}`);
      }
    });
  });
  return t;
}

/** A short description of message arguments for a failure message. */
function describe(args: unknown[]): string {
  return args.map((a) => (typeof a === 'function' ? 'ack' : a instanceof Uint8Array ? `bytes(${hex(a)})` : JSON.stringify(a)?.slice(0, 80))).join(', ');
}

/** The honest pair, playing: patrolling their lanes and attacking, 20 inputs a second each. */
class Honest {
  /** x range of each player as the other one saw it. */
  readonly seenRange = new Map<GameClient, [number, number]>();
  readonly attacks = new Map<GameClient, Set<number>>();
  /** What went wrong inside the driving timer (it must not throw). */
  readonly problems: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly h: Harness,
    readonly clients: GameClient[],
    private readonly eids: number[],
    /** Messages each client has sent, counted from its first. */
    readonly sent: Map<GameClient, number>,
    /** Every error event the clients got. */
    readonly errors: unknown[],
  ) {}

  /** Connects the pair; the caller closes them (`close`). */
  static async join(h: Harness, arena: Arena): Promise<Honest> {
    const sent = new Map<GameClient, number>();
    const errors: unknown[] = [];
    const clients: GameClient[] = [];
    for (let i = 0; i < 2; i++) {
      const c = createClient({ url: h.server.url });
      clients.push(c);
      // Counted from the very first message: the welcome's clock probe leaves before any await.
      sent.set(c, 0);
      c.socket.onAnyOutgoing(() => sent.set(c, sent.get(c)! + 1));
      c.on('error', (e) => errors.push(e));
      await waitFor(() => c.localEntity !== undefined, 5000, 'honest client to receive its own player');
    }
    const honest = new Honest(h, clients, clients.map((c) => h.eidOf(c.welcome!.sid)), sent, errors);
    clients.forEach((c, i) => {
      arena.honest.add(honest.eids[i]!);
      arena.tokens.add(c.token!);
      h.place(c.welcome!.sid, PATROL[0] + 5 * i, LANES[i]!);
      honest.attacks.set(c, new Set());
    });
    return honest;
  }

  close(): void {
    this.stop();
    for (const c of this.clients) c.close();
  }

  start(): void {
    const world = this.h.server.match.world;
    const dirs = [1, -1];
    let n = 0;
    this.timer = setInterval(() => {
      n++;
      this.clients.forEach((c, i) => {
        const eid = this.eids[i]!;
        if (c.welcome?.id !== getStore(world, NetId).id[eid]) {
          this.problems.push(`honest client ${i} is no longer its player`);
          return;
        }
        const x = getStore(world, Position).x[eid]!;
        if (x > PATROL[1]) dirs[i] = -1;
        else if (x < PATROL[0]) dirs[i] = 1;
        c.sendInput({ mx: dirs[i]!, my: 0, attack: n % 10 === 5 * i });
        // Each attack the server resolves moves the cooldown on: count the distinct ones.
        this.attacks.get(c)!.add(getStore(world, Cooldown).readyAt[eid]!);
        const other = this.clients[1 - i]!;
        other.update();
        const seen = entityOf(other.world, c.welcome!.id);
        if (seen === undefined) return;
        const sx = getStore(other.world, Position).x[seen]!;
        const range = this.seenRange.get(c) ?? [sx, sx];
        this.seenRange.set(c, [Math.min(range[0], sx), Math.max(range[1], sx)]);
      });
    }, 50);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A logger that keeps error lines (handler threw, tick failed, system threw, join failed). */
function errorLog(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'error' }, { write: (line: string) => void lines.push(line) }) };
}

/** Settings of one fuzz phase over sockets. */
interface PhaseOptions {
  /** Rate limits; default the server's (fuzzers then get dropped and kicked). */
  limits?: RateLimits;
  graceMs: number;
  fuzzers: FuzzerKind[];
  /** Messages per fuzzer. */
  budget: number;
  flow: boolean;
  maxBytes: number;
  maxBinary: number;
}

/** One fuzz phase: a server, the honest pair, the fuzzers; then every check of the "Proof". */
async function phase(h: Harness, name: string, options: PhaseOptions): Promise<void> {
  const arena = new Arena();
  const log = errorLog();
  const server = await h.start({ systems: arena.systems, limits: options.limits, graceMs: options.graceMs, logger: log.logger });
  const t = tap(server);
  const honest = await Honest.join(h, arena);
  try {
    await play(h, name, options, arena, log.lines, t, honest);
  } finally {
    honest.close();
  }
}

/** The body of a phase, once the honest pair is in. */
async function play(h: Harness, name: string, options: PhaseOptions, arena: Arena, errorLines: string[], t: Tap, honest: Honest): Promise<void> {
  const server = h.server;
  const problems: string[] = [];
  const watch = setInterval(() => {
    if (problems.length < 50) problems.push(...worldProblems(server, arena));
  }, 100);
  const sockets = new Set<Socket>();
  const signal = { stopped: false };
  const started = performance.now();
  let results: FuzzerResult[];
  honest.start();
  try {
    const runs = options.fuzzers.map((kind, k) => runFuzzer({
      // Long-polling takes a round trip per small batch: it gets a fifth of the budget.
      url: server.url, kind, rng: createRng(FUZZ_SEED * 31 + k * 7 + name.length), budget: kind === 'polling' ? options.budget / 5 : options.budget, flow: options.flow,
      values: { maxBinary: options.maxBinary, maxDepth: 3 }, maxBytes: options.maxBytes, sockets, signal,
    }));
    // All of them finish (one failing stops the others) before anything is judged or closed.
    const outcomes = await Promise.all(runs.map((run) => run.catch((error: unknown) => {
      signal.stopped = true;
      return error instanceof Error ? error : new Error(String(error));
    })));
    const failure = outcomes.find((o): o is Error => o instanceof Error);
    if (failure !== undefined) throw failure;
    results = outcomes as FuzzerResult[];
    // Fuzzers gone (their dropped engine players wait out the grace window): the honest pair plays on,
    // for 3 s at least in all, long enough to patrol and attack a few times whatever the fuzz took.
    await waitFor(() => server.match.sessions.bySocketId.size === 2, 5000, 'fuzzers disconnected');
    await waitFor(() => server.match.sessions.byToken.size === 2, options.graceMs + 3000, 'dropped fuzzers removed after the grace window');
    await sleep(3000 - (performance.now() - started));
  } finally {
    signal.stopped = true;
    for (const s of sockets) s.disconnect();
    clearInterval(watch);
    honest.stop();
  }
  // The honest pair's last messages may still be on their way.
  await waitFor(() => honest.clients.every((c) => t.bySid.get(c.socket.id!) === honest.sent.get(c)), 3000, 'honest messages delivered').catch(() => undefined);
  const seconds = (performance.now() - started) / 1000;
  const sent = results.reduce((n, r) => n + r.sent, 0);
  cases.add(`socket ${name}`, sent);
  problems.push(...worldProblems(server, arena), ...honest.problems);
  assert.equal(problems.slice(0, 5), [], `world stays sound (seed ${FUZZ_SEED})`);
  assert.equal(errorLines.slice(0, 3), [], 'nothing threw inside the server');

  // Still alive and ticking.
  const stats = server.match.stats;
  const ticks = stats.ticks;
  await sleep(200);
  assert.ok(stats.ticks > ticks + 3, 'still ticking');

  // Accounting: every message counted once, and refused exactly when the protocol says so.
  assert.is(stats.received, t.seen, 'received = messages the handlers saw');
  for (const c of honest.clients) assert.is(t.bySid.get(c.socket.id!) ?? 0, honest.sent.get(c), 'every honest message arrived');
  if (options.limits !== undefined) {
    assert.is(stats.dropped, 0);
    assert.is(stats.kicked, 0);
    assert.is(t.dropped, 0);
    for (const r of results) {
      assert.is(r.unansweredProbes, 0, `${r.kind}: every clock probe answered`);
      if (r.kind === 'raw') continue;
      assert.is(r.closedByServer, 0, `${r.kind}: never disconnected`);
      for (const [sid, n] of r.bySid) assert.is(t.bySid.get(sid), n, `${r.kind} ${sid}: all ${n} messages handled`);
    }
  } else {
    assert.ok(stats.dropped > 0 && stats.kicked > 0, `limits bit: ${stats.dropped} dropped, ${stats.kicked} kicked`);
    assert.is(t.dropped, stats.dropped);
  }
  // Every message not rate-dropped was refused exactly when the protocol says it is invalid.
  assert.equal(t.disagreements, [], `verdicts agree with the protocol (seed ${FUZZ_SEED})`);
  assert.is(stats.rejected, t.invalid);
  assert.is(t.seen, t.valid + t.invalid + t.dropped);

  // The honest pair played throughout, unharmed, and saw each other patrol.
  assert.equal(honest.errors, [], 'honest clients never got an error');
  for (const c of honest.clients) {
    const range = honest.seenRange.get(c);
    assert.ok(range !== undefined && range[1] - range[0] > 10, `seen patrolling: ${range}`);
    assert.ok(honest.attacks.get(c)!.size > 3, `attacks resolved: ${honest.attacks.get(c)!.size - 1}`);
  }
  await realHit(h, honest);
  // And the server still takes newcomers, who see the honest pair.
  const late = await h.engine();
  const [a, b] = honest.clients as [GameClient, GameClient];
  await waitFor(() => entityOf(late.world, a.welcome!.id) !== undefined && entityOf(late.world, b.welcome!.id) !== undefined, 3000, 'newcomer sees both');
  if (process.env.FUZZ_VERBOSE) {
    const kinds = results.map((r) => `${r.kind} ${r.sent} in ${(r.ms / 1000).toFixed(1)} s over ${r.connections} conns`).join(', ');
    console.log(`\n  ${name}: ${sent} messages in ${seconds.toFixed(1)} s (${kinds}); ${JSON.stringify(stats)}`);
  }
}

/** After the fuzz: one honest player hits the other, and both server and victim see it. */
async function realHit(h: Harness, honest: Honest): Promise<void> {
  const [a, b] = honest.clients as [GameClient, GameClient];
  const world = h.server.match.world;
  const health = getStore(world, Health);
  const [ea, eb] = [h.eidOf(a.welcome!.sid), h.eidOf(b.welcome!.sid)];
  a.sendInput({ mx: 0, my: 0, attack: false });
  b.sendInput({ mx: 0, my: 0, attack: false });
  await sleep(100);
  h.place(a.welcome!.sid, 20, 10);
  h.place(b.welcome!.sid, 25, 10);
  const hurt = rules.health - rules.attack.damage;
  // Pressed until it lands: the cooldown of the patrol's last attack may still run.
  const press = setInterval(() => a.sendInput({ mx: 0, my: 0, attack: true }), 100);
  try {
    await waitFor(() => health.hp[eb] === hurt, 3000, 'a hits b');
  } finally {
    clearInterval(press);
  }
  assert.is(health.hp[ea], rules.health, 'a unhurt');
  await waitFor(() => {
    const seen = entityOf(b.world, b.welcome!.id);
    return seen !== undefined && getStore(b.world, Health).hp[seen] === hurt;
  }, 3000, 'b sees its own hp drop');
}

FuzzSocket('handlers over a real socket, limits raised (every message reaches validation): no crash, no corruption, honest play goes on', async ({ h }) => {
  await phase(h, 'open', {
    limits: OPEN_LIMITS, graceMs: 1000, fuzzers: ['classic', 'classic', 'delta', 'delta', 'polling', 'raw'], budget: 7000, flow: true,
    maxBytes: 12_000, maxBinary: 4096,
  });
});

FuzzSocket('handlers over a real socket, default limits (fuzzers dropped and kicked, reconnecting): no crash, no corruption, honest play goes on', async ({ h }) => {
  await phase(h, 'limited', {
    graceMs: 300, fuzzers: ['classic', 'classic', 'delta', 'delta', 'mismatched', 'raw', 'polling'], budget: 6000, flow: false,
    maxBytes: 24_000, maxBinary: 20_000,
  });
});

FuzzSocket('at least 30,000 messages', () => {
  const total = cases.total();
  assert.ok(total >= 30_000, `${total} messages`);
});

// Found by the socket fuzz, fixed (net/server/validate.ts checkAttack): `attack` must carry nothing or `{}`,
// but an empty binary payload from a client on our parser was accepted: it arrives as a
// Uint8Array(0), and zod's strictObject({}) took any object without enumerable keys (an
// ArrayBuffer, a Date, a Map too) for `{}`. Harmless in effect, but a shape outside the schema got
// past the edge.
FuzzSocket('attack with an empty binary payload is refused', async ({ h }) => {
  await h.start();
  const bad = await h.classic({ parser });
  const errors: unknown[] = [];
  bad.on('error', (e: unknown) => errors.push(e));
  bad.emit('attack', new Uint8Array(0));
  await waitFor(() => h.server.match.stats.received === 1, 3000, 'handled');
  assert.is(h.server.match.stats.rejected, 1, 'refused');
  await waitFor(() => errors.length === 1, 3000, 'an error reply');
  assert.is(checkAttack(new ArrayBuffer(0)).ok, false, 'an ArrayBuffer is not {}');
  assert.is(checkAttack(new Map()).ok, false, 'a Map is not {}');
});

FuzzSocket.run();
