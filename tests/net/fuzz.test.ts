// Fuzz, bounded and seeded (FUZZ_SEED to vary it): random and mutated messages at the decoders
// in-process, then at every handler over real sockets while two honest players keep playing.
// A failure message names the seed and the case, so it can be replayed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import type { Socket } from 'socket.io-client';
import { Encoder as DefaultEncoder, isPacketValid, PacketType, type Packet } from 'socket.io-parser';
import {
  battleSystems, Cooldown, createRng, getStore, Health, Input, movementSystem, NetId, Player, Position, query, Score,
  type BattleWorld, type Rng, type System,
} from '../../engine';
import {
  ByteWriter, checkAttack, CodecError, createClient, decodeInput, decodeState, encodeInput, entityOf, Field, INPUT_BYTES,
  writeHeader, writeIds, writePairs, writeRecord,
  type EntityRecord, type GameClient, type GameServer, type Logger, type RateLimits, type StateMessage, type StreamPosition,
} from '../../net';
import * as parser from '../../net/wire/parser';
import { Decoder, Encoder, ParserError } from '../../net/wire/parser';
import { Harness, rules } from './harness';
import { sleep, waitFor } from '../helpers';
import {
  chance, mutateBytes, mutateText, pick, pooled, randomBytes, randomValue, runFuzzer, shouldAccept, size,
  type FuzzerKind, type FuzzerResult, type IntField, type ValueOptions,
} from './fuzzing';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const cases: Record<string, number> = {};
const count = (what: string, n = 1): void => void (cases[what] = (cases[what] ?? 0) + n);

const Fuzz = suite<{ h: Harness }>('fuzz');
Fuzz.before.each((ctx) => {
  ctx.h = new Harness();
});
Fuzz.after.each(async (ctx) => {
  await ctx.h.close();
});

// ---------------------------------------------------------------------------------------------
// Decoders, in-process.

const MAP = rules.map;

/** A valid state message, what it must decode to, and where its integer fields sit. */
function validState(rng: Rng): { bytes: Uint8Array; prev: StreamPosition; expected: StateMessage; fields: IntField[] } {
  const w = new ByteWriter();
  const full = chance(rng, 0.3);
  const prev = { tick: rng.int(1e6), ack: rng.int(2 ** 32) };
  const tick = full ? rng.int(2 ** 32) : prev.tick + 1 + rng.int(300);
  const ack = chance(rng, 0.5) ? prev.ack : rng.int(2 ** 32);
  writeHeader(w, full, tick, ack, prev);
  const fields: IntField[] = full ? [{ at: 1, bytes: 4 }, { at: 5, bytes: 4 }] : [{ at: 1, bytes: 1 }, { at: 2, bytes: 1 }];
  const n = size(rng, 40);
  fields.push({ at: w.at, bytes: 1 });
  w.varint(n);
  const entities: EntityRecord[] = [];
  for (let i = 0; i < n; i++) {
    const mask = chance(rng, 0.2) ? 127 : rng.int(64) | (chance(rng, 0.1) ? Field.attack : 0);
    const r: Required<EntityRecord> = {
      id: chance(rng, 0.9) ? 1 + rng.int(5000) : rng.int(2 ** 32), mask,
      mx: rng.range(-1, 1), my: rng.range(-1, 1), x: rng.range(0, MAP.width), y: rng.range(0, MAP.height),
      hp: rng.int(101), max: 100, kills: rng.int(1000), deaths: rng.int(1000), dead: chance(rng, 0.2), offline: chance(rng, 0.1),
    };
    fields.push({ at: w.at, bytes: 1 });
    writeRecord(w, r);
    entities.push(expectRecord(r));
  }
  const ids = (k: number): number[] => Array.from({ length: k }, () => 1 + rng.int(100_000));
  const pairs = (k: number): [number, number][] => Array.from({ length: k }, () => [1 + rng.int(5000), 1 + rng.int(5000)]);
  const removed = full ? [] : ids(size(rng, 10));
  const hits = pairs(size(rng, 6));
  const kills = pairs(size(rng, 3));
  fields.push({ at: w.at, bytes: 1 });
  writeIds(w, removed);
  fields.push({ at: w.at, bytes: 1 });
  writePairs(w, hits);
  fields.push({ at: w.at, bytes: 1 });
  writePairs(w, kills);
  return { bytes: w.finish(), prev, expected: { full, tick: full ? tick >>> 0 : tick, ack: ack >>> 0, entities, removed, hits, kills }, fields };
}

/** What a written record decodes to: the fields its mask names, quantized as the wire does. */
function expectRecord(r: Required<EntityRecord>): EntityRecord {
  const mask = r.mask & Field.enter ? 127 : r.mask;
  const out: EntityRecord = { id: r.id, mask };
  if (mask & Field.direction) {
    out.mx = Math.fround(Math.round(r.mx * 127) / 127);
    out.my = Math.fround(Math.round(r.my * 127) / 127);
  }
  if (mask & Field.position) {
    out.x = Math.fround(r.x);
    out.y = Math.fround(r.y);
  }
  if (mask & Field.health) out.hp = Math.round(r.hp * 100) / 100;
  if (mask & Field.enter) out.max = Math.round(r.max * 100) / 100;
  if (mask & Field.score) {
    out.kills = r.kills;
    out.deaths = r.deaths;
  }
  if (mask & Field.state) {
    out.dead = r.dead;
    out.offline = r.offline;
  }
  return out;
}

const isUint = (v: unknown, max = 2 ** 32 - 1): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** Why a decoded state message is not well-formed, or undefined. */
function stateProblem(m: StateMessage): string | undefined {
  if (typeof m.full !== 'boolean' || !isUint(m.tick, Number.MAX_SAFE_INTEGER) || !isUint(m.ack)) return 'header';
  for (const r of m.entities) {
    if (r === undefined || !isUint(r.id) || !isUint(r.mask, 127)) return 'record id/mask';
    const has = (bit: number, ...keys: (keyof EntityRecord)[]): boolean => keys.every((k) => (r.mask & bit ? r[k] !== undefined : r[k] === undefined));
    if (!has(Field.direction, 'mx', 'my') || !has(Field.position, 'x', 'y') || !has(Field.health, 'hp') || !has(Field.enter, 'max')
      || !has(Field.score, 'kills', 'deaths') || !has(Field.state, 'dead', 'offline')) return `record ${r.id}: fields do not match mask ${r.mask}`;
    for (const k of ['mx', 'my', 'x', 'y', 'hp', 'max'] as const) if (r[k] !== undefined && !finite(r[k])) return `record ${r.id}: ${k} = ${r[k]}`;
    if (r.mx !== undefined && (Math.abs(r.mx) > 1 || Math.abs(r.my!) > 1)) return `record ${r.id}: direction out of range`;
    if ((r.hp !== undefined && r.hp < 0) || (r.max !== undefined && r.max < 0)) return `record ${r.id}: negative health`;
    if (r.kills !== undefined && (!isUint(r.kills) || !isUint(r.deaths))) return `record ${r.id}: score`;
  }
  if (!m.removed.every((id) => isUint(id))) return 'removed ids';
  for (const list of [m.hits, m.kills]) if (!list.every((p) => p.length === 2 && isUint(p[0]) && isUint(p[1]))) return 'pairs';
  return undefined;
}

/** The fastest of three runs of `run`, in ms. */
function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    try {
      run();
    } catch {
      // Only the time matters here.
    }
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Runs `decode` on `bytes`; a result must pass `problem`, a throw must be a CodecError. Returns 'ok' | 'refused'. */
function expectCodec<T>(what: string, bytes: Uint8Array, decode: (b: Uint8Array) => T, problem: (v: T) => string | undefined): 'ok' | 'refused' {
  let value: T;
  const started = performance.now();
  try {
    value = decode(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) assert.unreachable(`${what}: ${String(error)} is not a CodecError (seed ${SEED}, bytes ${hex(bytes)})`);
    return 'refused';
  } finally {
    // A slow case is timed again: a lone GC pause or JIT compile is not a hang.
    if (performance.now() - started > 20 && fastest(() => decode(bytes)) > 20) {
      assert.unreachable(`${what}: decoding takes over 20 ms (seed ${SEED}, bytes ${hex(bytes)})`);
    }
  }
  const bad = problem(value);
  if (bad !== undefined) assert.unreachable(`${what}: decoded to a malformed value (${bad}) (seed ${SEED}, bytes ${hex(bytes)})`);
  return 'ok';
}

Fuzz('decodeState: valid messages round-trip; random, truncated and mutated ones decode well-formed or throw CodecError', () => {
  const rng = createRng(SEED);
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < 50_000; i++) {
    const { bytes, prev, expected, fields } = validState(rng);
    const decode = (b: Uint8Array): StateMessage => decodeState(b, prev);
    if (i % 10 === 0) {
      // Valid, and read through a view into a bigger pool, as Node hands binary over.
      assert.equal(decode(pooled(rng, bytes)), expected, `round trip (seed ${SEED}, case ${i})`);
      ok++;
      continue;
    }
    const roll = rng.int(10);
    const input = roll === 0 ? randomBytes(rng, size(rng, 300)) : roll === 1 ? bytes.subarray(0, rng.int(bytes.length)) : mutateBytes(rng, bytes, fields);
    if (expectCodec(`decodeState case ${i}`, pooled(rng, input), decode, stateProblem) === 'ok') ok++;
    else refused++;
  }
  count('decodeState', ok + refused);
  assert.ok(refused > 20_000 && ok > 5_000, `both outcomes exercised: ${ok} ok, ${refused} refused`);
});

Fuzz('decodeInput: every valid input round-trips; random and mutated ones decode in range or throw CodecError', () => {
  const rng = createRng(SEED + 1);
  let ok = 0;
  let refused = 0;
  const problem = (v: ReturnType<typeof decodeInput>): string | undefined =>
    !isUint(v.seq) ? 'seq' : !finite(v.mx) || !finite(v.my) || Math.abs(v.mx) > 1 || Math.abs(v.my) > 1 ? 'direction'
      : typeof v.attack !== 'boolean' ? 'attack' : v.viewTime !== undefined && !isUint(v.viewTime) ? 'viewTime' : undefined;
  for (let i = 0; i < 20_000; i++) {
    const valid = encodeInput({ seq: rng.int(2 ** 32), mx: rng.range(-1, 1), my: rng.range(-1, 1), attack: chance(rng, 0.5), viewTime: rng.int(2 ** 32) });
    const roll = rng.int(8);
    const bytes = roll === 0 ? valid : roll === 1 ? randomBytes(rng, size(rng, 32)) : roll === 2 ? randomBytes(rng, INPUT_BYTES) : mutateBytes(rng, valid, [{ at: 0, bytes: 4 }, { at: 7, bytes: 4 }]);
    const view = pooled(rng, bytes);
    if (expectCodec(`decodeInput case ${i}`, view, decodeInput, problem) === 'ok') {
      ok++;
      // The pooled view and a copy of its bytes decode alike: the decoder honours byteOffset.
      assert.equal(decodeInput(view), decodeInput(Uint8Array.from(bytes)), `offset (seed ${SEED}, case ${i})`);
      assert.is(shouldAccept('i', [view]), true, `oracle agrees (case ${i})`);
    } else {
      refused++;
      assert.is(shouldAccept('i', [view]), false, `oracle agrees (case ${i}, ${hex(bytes)})`);
    }
  }
  count('decodeInput', ok + refused);
  assert.ok(refused > 5_000 && ok > 5_000, `both outcomes exercised: ${ok} ok, ${refused} refused`);
});

/** A random packet of any type, with random JSON (and, if `withBinary`, top-level binary) data. */
function randomPacket(rng: Rng, withBinary: boolean): Packet {
  const options: ValueOptions = { maxBinary: 0, maxDepth: 3, json: true };
  const nsp = pick(rng, ['/', '/', '/admin', '/ü']);
  const json = (): unknown => randomValue(rng, options);
  const data: unknown[] = [];
  for (let i = size(rng, 5); i > 0; i--) data.push(withBinary && chance(rng, 0.4) ? randomBytes(rng, size(rng, 40)) : json());
  switch (withBinary ? pick(rng, [PacketType.EVENT, PacketType.ACK]) : rng.int(5)) {
    case PacketType.CONNECT:
      return { type: PacketType.CONNECT, nsp, data: chance(rng, 0.5) ? { skirmish: 1, token: 'abc' } : undefined };
    case PacketType.DISCONNECT:
      return { type: PacketType.DISCONNECT, nsp };
    case PacketType.EVENT: {
      if (withBinary && !data.some((d) => d instanceof Uint8Array)) data.push(randomBytes(rng, 3));
      const packet: Packet = { type: PacketType.EVENT, nsp, data: [pick(rng, ['i', 'move', 'x', 7]), ...data] };
      if (chance(rng, 0.3)) packet.id = rng.int(1e6);
      return packet;
    }
    case PacketType.ACK:
      if (withBinary && !data.some((d) => d instanceof Uint8Array)) data.push(randomBytes(rng, 3));
      return { type: PacketType.ACK, nsp, data, id: rng.int(1e6) };
    default:
      return { type: PacketType.CONNECT_ERROR, nsp, data: chance(rng, 0.5) ? 'refused' : { message: 'no' } };
  }
}

/**
 * What Socket.IO's server can rely on in a decoded packet: a known type, a namespace, and data, when
 * present, that passes socket.io-parser's own gate (`isPacketValid`: EVENT data is an array whose
 * first item is a non-reserved name, and so on). socket.io-parser's text format also lets a packet
 * carry no payload ('2', '3/ns') or a NaN ack id ('010 1'); the server copes with both (an EVENT
 * without data is refused as an unknown event, an unknown ack id is ignored).
 */
function packetOk(p: Packet): boolean {
  if (!Number.isInteger(p.type) || p.type < 0 || p.type > 4 || typeof p.nsp !== 'string' || !p.nsp.startsWith('/')) return false;
  if (p.id !== undefined && typeof p.id !== 'number') return false;
  return p.data === undefined || isPacketValid({ ...p, id: undefined });
}

Fuzz('socket.io parser: random and mutated frames (text, one-frame binary, placeholders) decode to valid packets or throw, leaving the decoder usable', () => {
  const rng = createRng(SEED + 2);
  const decoder = new Decoder();
  const decoded: Packet[] = [];
  decoder.on('decoded', (p: Packet) => decoded.push(p));
  const good = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['ok', new Uint8Array([1])] })[0]!;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 40_000; i++) {
    const roll = rng.int(10);
    let messages: unknown[];
    if (roll < 3) {
      const text = new DefaultEncoder().encode(randomPacket(rng, false))[0] as string;
      messages = [chance(rng, 0.8) ? mutateText(rng, text) : text];
    } else if (roll < 6) {
      const frame = new Encoder().encode(randomPacket(rng, true))[0] as Uint8Array;
      messages = [chance(rng, 0.8) ? mutateBytes(rng, frame, [{ at: 1, bytes: 1 }, { at: 2, bytes: 1 }, { at: 3, bytes: 1 }]) : frame];
    } else if (roll < 8) {
      // Default format: a placeholder text, then its attachments (maybe too few, too many, mutated).
      const parts = new DefaultEncoder().encode(randomPacket(rng, true)) as unknown[];
      const head = chance(rng, 0.5) ? mutateText(rng, parts[0] as string) : (parts[0] as string);
      messages = [head, ...parts.slice(1, 1 + rng.int(parts.length + 1))];
      if (chance(rng, 0.2)) messages.push(randomBytes(rng, size(rng, 32)));
    } else if (roll === 8) {
      messages = [chance(rng, 0.5) ? Uint8Array.of(0xb0 | rng.int(16), ...randomBytes(rng, size(rng, 64))) : randomBytes(rng, size(rng, 64))];
    } else {
      // Deep nesting up to what a 16 KiB message holds, placeholders too; JSON junk of every packet
      // type; things that are not messages at all.
      const depth = 1 + rng.int(8000);
      messages = [pick(rng, [
        '2["x",' + '['.repeat(depth) + ']'.repeat(depth) + ']', `2["x",${'{"x":'.repeat(depth >> 2)}1${'}'.repeat(depth >> 2)}]`,
        `51-["x",${'['.repeat(depth)}{"_placeholder":true,"num":0}${']'.repeat(depth)}]`,
        String(rng.int(10)) + JSON.stringify(randomValue(rng, { maxBinary: 0, maxDepth: 3, json: true }) ?? null), 42, { a: 1 }, [1],
      ])];
      const first = messages[0];
      if (typeof first === 'string' && first.startsWith('51-')) messages.push(randomBytes(rng, 4));
    }
    decoded.length = 0;
    const started = performance.now();
    let threw: unknown;
    for (const m of messages) {
      try {
        decoder.add(m);
      } catch (error) {
        threw = error;
        break;
      }
    }
    const took = performance.now() - started;
    const what = (): string => `parser case ${i} (seed ${SEED}): ${messages.map((m) => (m instanceof Uint8Array ? hex(m) : JSON.stringify(m)?.slice(0, 200))).join(' + ')}`;
    // Generous: a GC pause is not a hang, and the decoder is stateful so a case cannot be re-timed.
    if (took > 500) assert.unreachable(`${what()}: took ${took.toFixed(1)} ms`);
    for (const p of decoded) if (!packetOk(p)) assert.unreachable(`${what()}: decoded an invalid packet ${JSON.stringify(p)}`);
    if (threw === undefined) {
      accepted++;
      continue;
    }
    refused++;
    // One-frame binary is refused with ParserError; text and attachments by socket.io-parser's plain Error.
    const kind = (threw as Error)?.constructor;
    if (!(threw instanceof ParserError) && kind !== Error) assert.unreachable(`${what()}: threw ${String(threw)} (${kind?.name})`);
    // After a refusal the decoder is clean: the next packet decodes.
    decoded.length = 0;
    decoder.add(good);
    if (decoded.length !== 1) assert.unreachable(`${what()}: decoder not usable after a refusal`);
  }
  decoder.destroy();
  count('parser', accepted + refused);
  assert.ok(refused > 10_000 && accepted > 5_000, `both outcomes exercised: ${accepted} accepted, ${refused} refused`);
});
// ---------------------------------------------------------------------------------------------
// Handlers over real sockets: fuzzing clients next to two honest players.

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
      url: server.url, kind, rng: createRng(SEED * 31 + k * 7 + name.length), budget: kind === 'polling' ? options.budget / 5 : options.budget, flow: options.flow,
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
  count(`socket ${name}`, sent);
  problems.push(...worldProblems(server, arena), ...honest.problems);
  assert.equal(problems.slice(0, 5), [], `world stays sound (seed ${SEED})`);
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
  assert.equal(t.disagreements, [], `verdicts agree with the protocol (seed ${SEED})`);
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

Fuzz('handlers over a real socket, limits raised (every message reaches validation): no crash, no corruption, honest play goes on', async ({ h }) => {
  await phase(h, 'open', {
    limits: OPEN_LIMITS, graceMs: 1000, fuzzers: ['classic', 'classic', 'engine', 'engine', 'polling', 'raw'], budget: 7000, flow: true,
    maxBytes: 12_000, maxBinary: 4096,
  });
});

Fuzz('handlers over a real socket, default limits (fuzzers dropped and kicked, reconnecting): no crash, no corruption, honest play goes on', async ({ h }) => {
  await phase(h, 'limited', {
    graceMs: 300, fuzzers: ['classic', 'classic', 'engine', 'engine', 'mismatched', 'raw', 'polling'], budget: 6000, flow: false,
    maxBytes: 24_000, maxBinary: 20_000,
  });
});

Fuzz('in all, at least 100,000 cases', () => {
  const total = Object.values(cases).reduce((n, c) => n + c, 0);
  if (process.env.FUZZ_VERBOSE) console.log(`\n  fuzz cases (seed ${SEED}): ${JSON.stringify(cases)}, total ${total}`);
  assert.ok(total >= 100_000, `${total} cases: ${JSON.stringify(cases)}`);
});

// Found by this fuzz, fixed (net/wire/parser.ts Decoder.add, default-format attachments): a placeholder
// nested a few thousand levels deep (~12 KB, under maxHttpBufferSize) made socket.io-parser's
// recursive reconstructPacket overflow the stack, and the Decoder rethrew that RangeError instead of
// a ParserError. Over a socket the connection was closed (Socket.IO catches decoder errors), so not
// a crash; but it broke the Decoder's error contract.
Fuzz('socket.io parser: a deeply nested placeholder is refused with ParserError, not a stack overflow', () => {
  for (const depth of [1000, 3000, 5000, 6000, 7000, 8000]) {
    const decoder = new Decoder();
    decoder.on('decoded', () => {});
    try {
      decoder.add(`51-["x",${'['.repeat(depth)}{"_placeholder":true,"num":0}${']'.repeat(depth)}]`);
      decoder.add(new Uint8Array(4));
    } catch (error) {
      assert.instance(error, ParserError, `depth ${depth}: ${String(error)}`);
    }
  }
});

// Found by the socket fuzz, fixed (net/server/validate.ts checkAttack): `attack` must carry nothing or `{}`,
// but an empty binary payload from a client on our parser was accepted: it arrives as a
// Uint8Array(0), and zod's strictObject({}) took any object without enumerable keys (an
// ArrayBuffer, a Date, a Map too) for `{}`. Harmless in effect, but a shape outside the schema got
// past the edge.
Fuzz('attack with an empty binary payload is refused', async ({ h }) => {
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

// Not reachable from the network (engine.io hands the decoder only strings and binary), but the
// Decoder's contract: while a default-format packet awaits attachments, a non-binary value is
// handed to socket.io-parser, which reads `obj.base64` and throws TypeError on null/undefined.
// net/wire/parser.ts Decoder.add, the `this.awaiting > 0` branch (fixed).
Fuzz('socket.io parser: null while awaiting an attachment is refused with ParserError', () => {
  const decoder = new Decoder();
  decoder.add('51-["x",{"_placeholder":true,"num":0}]');
  try {
    decoder.add(null);
    assert.unreachable('accepted null as an attachment');
  } catch (error) {
    assert.instance(error, ParserError, String(error));
  }
});

Fuzz.run();
