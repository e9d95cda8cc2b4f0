// Server world → broadcaster → bytes → decoder → mirror world, without sockets: the mirror must
// hold bit-identical positions to the server at every tick, from direction changes alone.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  axisOfLevel, createBattleWorld, createRng, despawnPlayer, getStore, quantizeAxis, queueInput, reckonMotion, spawnPlayer, step,
  Health, Position, Score, hasComponent, Dead,
  type BattleRules, type BattleWorld,
} from '../../engine';
import {
  applyState, createBroadcaster, createMirrorWorld, decodeState, defaultInterest, mirrorPositionAt,
  type AppliedChanges, type MirrorWorld, type Session, type StateMessage,
} from '../../net';
import { rules } from '../rules';


interface Pipe {
  world: BattleWorld;
  mirror: MirrorWorld;
  session: Session;
  bytes: number;
  messages: number;
  /** What the last message changed in the mirror. */
  applied: AppliedChanges | undefined;
  /** Every message the client decoded, when set. */
  onMessage?: (m: StateMessage) => void;
  tick(): void;
}

function pipe(r: BattleRules = rules, viewRadius = defaultInterest.viewRadius): Pipe {
  const world = createBattleWorld({ rules: r, seed: 9 });
  const mirror = createMirrorWorld();
  mirror.rules = r;
  mirror.tickMs = 1000 / 30;
  const me = spawnPlayer(world, { at: { x: r.map.width / 2, y: r.map.height / 2 } });
  const p: Pipe = {
    world, mirror, bytes: 0, messages: 0, applied: undefined,
    session: {
      socket: { conn: { write: (bytes: Uint8Array) => {
        p.bytes += bytes.byteLength;
        p.messages++;
        const m = decodeState(bytes, mirror.stream);
        p.onMessage?.(m);
        p.applied = applyState(mirror, m);
      } } } as never,
      kind: 'delta', eid: me, netId: 1, token: 't', publicId: 'p', name: 'me', needsFull: true, rejected: 0,
      guard: undefined as never, replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
    },
    tick() {
      step(world);
      broadcaster.build([p.session]);
      broadcaster.send();
    },
  };
  mirror.localId = 1;
  const nsp = { to: () => ({ emit: () => true }) } as never;
  const broadcaster = createBroadcaster(world, nsp, { stateBytes: 0, stateMessages: 0, sharedMessages: 0, classicMessages: 0 }, () => undefined, { ...defaultInterest, viewRadius });
  return p;
}

const seen = { x: 0, y: 0 };

/**
 * Every player the mirror holds is exactly where the server has it, bit for bit: as of the last
 * message if one came this tick, else dead-reckoned to this tick (what the client draws from).
 */
function assertExact(p: Pipe, what: string): number {
  const pos = getStore(p.world, Position);
  let n = 0;
  for (const [id, eid] of p.world.sync.byNetId) {
    const m = p.mirror.entities.get(id);
    if (m === undefined) continue;
    n++;
    mirrorPositionAt(p.mirror, m, p.world.time.tick, seen, Infinity);
    assert.is(seen.x, pos.x[eid], `${what}: x of ${id}`);
    assert.is(seen.y, pos.y[eid], `${what}: y of ${id}`);
  }
  return n;
}

const Replication = suite('replication (server → bytes → mirror)');

Replication('50 wanderers for 60 s: the mirror matches the server exactly every tick, mostly from direction changes', () => {
  const p = pipe();
  const rng = createRng(4);
  const players = [p.session.eid];
  for (let i = 0; i < 49; i++) players.push(spawnPlayer(p.world));
  for (let t = 0; t < 30 * 60; t++) {
    for (const eid of players) {
      if (rng.next() < 1 / 15) {
        const d = rng.int(9);
        queueInput(p.world, eid, { move: d === 8 ? { x: 0, y: 0 } : { x: Math.round(Math.cos((d * Math.PI) / 4)), y: Math.round(Math.sin((d * Math.PI) / 4)) }, attack: rng.next() < 0.5 });
      }
    }
    p.tick();
    if (p.mirror.lastTick === p.world.time.tick) assert.is(assertExact(p, `tick ${t}`), 50);
  }
  const perSecond = p.bytes / 60;
  // Payload only (no Socket.IO framing): the budget for the whole message stream of one client.
  if (process.env.VERBOSE) console.log(`payload ${perSecond.toFixed(0)} B/s in ${p.messages} messages`);
  assert.ok(perSecond < 1400, `payload ${perSecond.toFixed(0)} B/s`);
  const health = getStore(p.world, Health);
  const mh = getStore(p.mirror, Health);
  const score = getStore(p.world, Score);
  const ms = getStore(p.mirror, Score);
  for (const [id, eid] of p.world.sync.byNetId) {
    const m = p.mirror.entities.get(id)!;
    assert.is(mh.hp[m], health.hp[eid]);
    assert.is(ms.kills[m], score.kills[eid]);
    assert.is(hasComponent(p.mirror, m, getStore(p.mirror, Dead)), hasComponent(p.world, eid, getStore(p.world, Dead)));
  }
});

Replication('50 classic seekers for 60 s: the mirror matches the server exactly every tick; positions only at spawn and respawn', () => {
  const p = pipe();
  const rng = createRng(7);
  const players = [p.session.eid];
  for (let i = 0; i < 49; i++) players.push(spawnPlayer(p.world));
  let corrections = 0;
  let targets = 0;
  p.onMessage = (m) => {
    for (const r of m.entities) {
      if (r.tx !== undefined) targets++;
      if (r.enter || r.x === undefined) continue;
      // The one correction a seeker needs: a respawn puts it elsewhere.
      assert.ok(r.dead === false, `tick ${m.tick}: position of ${r.id} outside a respawn`);
      corrections++;
    }
  };
  for (let t = 0; t < 30 * 60; t++) {
    for (const eid of players) {
      // Twice a second on average, a new random point, like the classic bots' `move {x,y}`.
      if (rng.next() < 1 / 15) queueInput(p.world, eid, { target: { x: rng.next() * 110 - 5, y: rng.next() * 110 - 5 }, attack: rng.next() < 0.3 });
    }
    p.tick();
    assert.is(assertExact(p, `tick ${t}`), 50);
  }
  assert.ok(targets > 50 * 60, `${targets} targets sent`);
  if (process.env.VERBOSE) console.log(`seekers: payload ${(p.bytes / 60).toFixed(0)} B/s in ${p.messages} messages, ${corrections} respawn positions`);
});

Replication('the client steps exactly as far as the server: 30 units/s at 30 Hz, where ms-based arithmetic is an ulp off', () => {
  // speed × (1/30) is 1, speed × (1000/30) / 1000 is 1.0000000000000002: from this position and
  // direction one step lands on different Float32 values, and the server would never correct it.
  const p = pipe({ ...rules, speed: 30 });
  const a = spawnPlayer(p.world, { at: { x: 55.4052734375, y: 0.13806696236133575 } });
  p.tick();
  queueInput(p.world, a, { move: { x: axisOfLevel(-121), y: axisOfLevel(33) } });
  for (let i = 0; i < 40; i++) {
    p.tick();
    // Quiet ticks send nothing: the mirror reckons ahead from the last message.
    assertExact(p, `step ${i}`);
  }
});

Replication('seek moves, teleports, joins and leaves stay exact', () => {
  const p = pipe();
  const a = spawnPlayer(p.world, { at: { x: 10, y: 10 } });
  p.tick();
  queueInput(p.world, a, { target: { x: 80, y: 30 } });
  for (let i = 0; i < 20; i++) {
    p.tick();
    assertExact(p, `seek ${i}`);
  }
  getStore(p.world, Position).x[a] = 3;
  p.tick();
  assertExact(p, 'teleport');
  const b = spawnPlayer(p.world);
  p.tick();
  assert.is(p.mirror.entities.size, 3);
  despawnPlayer(p.world, b);
  p.tick();
  assert.is(p.mirror.entities.size, 2);
});

Replication('interest: only entities within the view square are mirrored, with hysteresis at the edge', () => {
  const big: BattleRules = { ...rules, map: { width: 1000, height: 1000 } };
  const p = pipe(big, 100);
  const me = p.session.eid; // at 500, 500
  const near = spawnPlayer(p.world, { at: { x: 580, y: 500 } });
  const far = spawnPlayer(p.world, { at: { x: 900, y: 900 } });
  p.tick();
  const ids = () => [...p.mirror.entities.keys()].sort((x, y) => x - y);
  const netOf = (eid: number) => [...p.world.sync.byNetId].find(([, e]) => e === eid)![0];
  assert.equal(ids(), [netOf(me), netOf(near)].sort((x, y) => x - y));
  // Walk `near` out to 605 (inside the 110 hysteresis band): still seen.
  getStore(p.world, Position).x[near] = 605;
  p.tick();
  assert.ok(p.mirror.entities.has(netOf(near)));
  getStore(p.world, Position).x[near] = 615;
  p.tick();
  assert.not.ok(p.mirror.entities.has(netOf(near)), 'left beyond the band');
  getStore(p.world, Position).x[near] = 605;
  p.tick();
  assert.not.ok(p.mirror.entities.has(netOf(near)), 'does not re-enter until inside the view');
  getStore(p.world, Position).x[near] = 595;
  p.tick();
  assert.ok(p.mirror.entities.has(netOf(near)), 're-entered');
  assertExact(p, 'after re-entering');
  assert.not.ok(p.mirror.entities.has(netOf(far)));
});

Replication('an attack reaches the mirror with the attacker; entering view is not an attack', () => {
  const p = pipe();
  const other = spawnPlayer(p.world, { at: { x: 52, y: 50 } });
  p.tick();
  assert.equal(p.applied!.entered.length, 2);
  assert.equal(p.applied!.attacked, [], 'nobody attacked while entering');
  const netOf = (eid: number) => [...p.world.sync.byNetId].find(([, e]) => e === eid)![0];
  queueInput(p.world, other, { attack: true });
  p.tick();
  assert.equal(p.applied!.attacked, [netOf(other)]);
  assert.equal(p.applied!.entered, []);
});

Replication('a quiet world sends nothing, however long walkers walk; the mirror stays exact across the silence', () => {
  const p = pipe({ ...rules, map: { width: 1000, height: 1000 } }, 1000);
  const walker = spawnPlayer(p.world, { at: { x: 10, y: 500 } });
  for (let i = 0; i < 5; i++) spawnPlayer(p.world);
  p.tick();
  queueInput(p.world, walker, { move: { x: axisOfLevel(127), y: axisOfLevel(5) } });
  p.tick();
  const before = p.messages;
  // 10 s: far longer than the mirror's history, and the walker never turns.
  for (let i = 0; i < 300; i++) {
    p.tick();
    if (i % 50 === 0) assertExact(p, `quiet tick ${i}`);
  }
  assert.is(p.messages - before, 0, 'not one message in 10 quiet seconds');
  // The next message brings the mirror across the silence by stepping every tick of it.
  queueInput(p.world, walker, { move: { x: 0, y: 0 } });
  p.tick();
  assert.is(p.mirror.lastTick, p.world.time.tick);
  assertExact(p, 'after the silence');
});

Replication('reckoning ahead frame after frame (cached) equals reckoning from the last message', () => {
  const p = pipe();
  const a = spawnPlayer(p.world, { at: { x: 20, y: 30 } });
  p.tick();
  queueInput(p.world, a, { target: { x: 90, y: 80 } });
  p.tick();
  const m = p.mirror.entities.get([...p.world.sync.byNetId].find(([, e]) => e === a)![0])!;
  const last = p.mirror.lastTick;
  const { sim } = p.mirror;
  const got = { x: 0, y: 0 };
  const want = { x: 0, y: 0 };
  const next = { x: 0, y: 0 };
  for (let t = last; t < last + 150; t += 0.3) {
    mirrorPositionAt(p.mirror, m, t, got);
    const lo = Math.floor(t);
    reckonMotion(sim.x[m]!, sim.y[m]!, sim.mx[m]!, sim.my[m]!, lo - last, p.mirror.rules!.speed * p.mirror.tickSeconds, 100, 100, want, sim.seek[m]);
    reckonMotion(sim.x[m]!, sim.y[m]!, sim.mx[m]!, sim.my[m]!, lo + 1 - last, p.mirror.rules!.speed * p.mirror.tickSeconds, 100, 100, next, sim.seek[m]);
    const f = t - lo;
    assert.is(got.x, f === 0 ? want.x : want.x + (next.x - want.x) * f, `x at ${t}`);
    assert.is(got.y, f === 0 ? want.y : want.y + (next.y - want.y) * f, `y at ${t}`);
  }
});

Replication('acks of inputs that change nothing ride alone at most every 100 ms', () => {
  const p = pipe();
  p.tick();
  const before = p.messages;
  // The same direction (standing still) every tick: new sequence numbers, nothing else.
  for (let i = 0; i < 30; i++) {
    queueInput(p.world, p.session.eid, { seq: 100 + i, move: { x: 0, y: 0 } });
    p.tick();
  }
  const sent = p.messages - before;
  assert.ok(sent >= 9 && sent <= 10, `${sent} ack-only messages in 1 s`);
  assert.is(p.mirror.stream.ack, 100 + 29 - (p.world.time.tick - p.mirror.lastTick), 'each carries the ack of its tick');
});

Replication.run();
