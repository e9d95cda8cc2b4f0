import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createWorld, createBattleWorld, createRng, step, emit, spawnPlayer, despawnPlayer, queueInput, getStore,
  addEntity, addComponent, hasComponent, entityExists, Position, Health, Input, Cooldown, Score,
  NetId, Dead, Player,
  type EngineWorld, type BattleWorld, type BattleRules, type System, type BattleEvent,
} from '../../engine';
import { rules } from '../rules';


// ---------------------------------------------------------------------------------------------
const World = suite<{ world: EngineWorld; log: string[] }>('world');
World.before.each((ctx) => {
  ctx.log = [];
  const log = ctx.log;
  ctx.world = createWorld({
    dt: 0.25,
    seed: 5,
    systems: [
      (w) => log.push(`a${w.time.tick}`),
      (w) => log.push(`b${w.time.tick}`),
      (w) => log.push(`c${w.time.tick}`),
    ],
  });
});

World('starts at tick 0 with the given dt', ({ world }) => {
  assert.equal({ ...world.time }, { tick: 0, dt: 0.25, elapsed: 0 });
});

World('step advances tick and elapsed = tick * dt', ({ world }) => {
  step(world);
  assert.is(world.time.tick, 1);
  assert.is(world.time.elapsed, 0.25);
  for (let i = 0; i < 9; i++) step(world);
  assert.is(world.time.tick, 10);
  assert.is(world.time.elapsed, 2.5);
});

World('elapsed does not drift with a dt that is not exact in binary', () => {
  const world = createWorld({ dt: 1 / 30 });
  for (let i = 0; i < 3000; i++) step(world);
  assert.is(world.time.elapsed, 3000 * (1 / 30));
});

World('step runs the systems in order, once each, after advancing time', ({ world, log }) => {
  step(world);
  step(world);
  assert.equal(log, ['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
});

World('step clears the events of the previous tick', () => {
  const world = createWorld({ systems: [(w) => { if (w.time.tick === 1) emit(w, { type: 'ping' }); }] });
  step(world);
  assert.equal(world.events, [{ type: 'ping' }]);
  step(world);
  assert.equal(world.events, []);
});

World('events emitted between ticks are kept for the next tick, then dropped', () => {
  const world = createWorld({ systems: [(w) => emit(w, { type: 'tick' })] });
  step(world);
  emit(world, { type: 'between' });
  step(world);
  assert.equal(world.events, [{ type: 'between' }, { type: 'tick' }]);
  step(world);
  assert.equal(world.events, [{ type: 'tick' }]);
});

World('events emitted by one system are visible to the next in the same tick', () => {
  let seen = -1;
  const world = createWorld({
    systems: [(w) => emit(w, { type: 'ping' }), (w) => { seen = w.events.length; }],
  });
  step(world);
  assert.is(seen, 1);
});

World('a throwing system: the default rethrows from step', () => {
  const boom = new Error('boom');
  let after = false;
  const world = createWorld({ systems: [() => { throw boom; }, () => { after = true; }] });
  try {
    step(world);
    assert.unreachable('step should have thrown');
  } catch (error) {
    assert.is(error, boom);
  }
  assert.not.ok(after);
});

World('a throwing system with onError: reported, and the next systems still run', () => {
  const boom = new Error('boom');
  const bad: System = () => { throw boom; };
  const reported: [unknown, System<any>][] = [];
  const ran: number[] = [];
  const world = createWorld({
    systems: [() => ran.push(1), bad, () => ran.push(3)],
    onError: (error, system) => reported.push([error, system]),
  });
  step(world);
  step(world);
  assert.equal(ran, [1, 3, 1, 3]);
  assert.is(reported.length, 2);
  assert.is(reported[0]![0], boom);
  assert.is(reported[0]![1], bad);
  assert.is(world.time.tick, 2);
});

World('createWorld rejects a bad dt', () => {
  for (const dt of [0, -1 / 30, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => createWorld({ dt }), /Skirmish: dt must be a positive number/, `dt=${dt}`);
  }
});

World('createWorld rejects a bad capacity', () => {
  for (const capacity of [0, 1, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => createWorld({ capacity }), /Skirmish: capacity must be an integer > 1/, `capacity=${capacity}`);
  }
});

World('createWorld defaults: dt 1/30, capacity 4096', () => {
  const world = createWorld();
  assert.is(world.time.dt, 1 / 30);
  assert.is(world.capacity, 4096);
  assert.is(getStore(world, Position).x.length, 4096);
});

World('createBattleWorld rejects invalid rules', () => {
  assert.throws(() => createBattleWorld({ rules: { ...rules, speed: -1 } }), /rule speed/);
  assert.throws(() => createBattleWorld({ rules: { ...rules, map: { width: Number.NaN, height: 100 } } }), /rule map\.width/);
  assert.throws(() => createBattleWorld({ rules: { ...rules, attack: { ...rules.attack, range: -1 } } }), /rule attack\.range/);
});

// ---------------------------------------------------------------------------------------------
const Players = suite<{ world: BattleWorld }>('world: players');
Players.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, seed: 1, systems: [] });
});

Players('two worlds do not share component data', ({ world }) => {
  const other = createBattleWorld({ rules, seed: 1, systems: [] });
  const a = spawnPlayer(world, { at: { x: 10, y: 20 } });
  const b = spawnPlayer(other, { at: { x: 70, y: 80 } });
  assert.is(a, b, 'same entity id in both worlds');
  const posA = getStore(world, Position);
  const posB = getStore(other, Position);
  assert.is.not(posA, posB);
  assert.equal([posA.x[a], posA.y[a]], [10, 20]);
  assert.equal([posB.x[b], posB.y[b]], [70, 80]);
  getStore(other, Health).hp[b] = 1;
  assert.is(getStore(world, Health).hp[a], 100);
});

Players('two worlds do not share entities or NetIds', ({ world }) => {
  const other = createBattleWorld({ rules, seed: 1, systems: [] });
  spawnPlayer(world);
  spawnPlayer(world);
  const b = spawnPlayer(other);
  assert.is(b, 1);
  assert.is(getStore(other, NetId).id[b], 1);
  assert.not.ok(entityExists(other, 2));
});

Players('spawnPlayer gives full health, a spot inside the map, and every player component', ({ world }) => {
  const eid = spawnPlayer(world);
  const pos = getStore(world, Position);
  assert.ok(pos.x[eid]! >= 0 && pos.x[eid]! <= 100 && pos.y[eid]! >= 0 && pos.y[eid]! <= 100);
  assert.equal([getStore(world, Health).hp[eid], getStore(world, Health).max[eid]], [100, 100]);
  for (const def of [Position, Health, Input, Cooldown, Score, NetId, Player]) {
    assert.ok(hasComponent(world, eid, getStore(world, def)), def.name);
  }
  assert.not.ok(hasComponent(world, eid, getStore(world, Dead)));
  assert.equal(world.events, [{ type: 'spawn', eid }]);
});

Players('spawnPlayer resets the data a recycled entity id left behind', ({ world }) => {
  const first = spawnPlayer(world, { at: { x: 10, y: 10 } });
  getStore(world, Health).max[first] = 500;
  getStore(world, Health).hp[first] = 3;
  const input = getStore(world, Input);
  input.mx[first] = 1;
  input.seek[first] = 1;
  input.tx[first] = 90;
  input.attack[first] = 1;
  input.seq[first] = 42;
  getStore(world, Cooldown).readyAt[first] = 99;
  getStore(world, Score).kills[first] = 5;
  getStore(world, Score).deaths[first] = 6;
  addComponent(world, first, getStore(world, Dead));
  queueInput(world, first, { attack: true });
  despawnPlayer(world, first);

  const second = spawnPlayer(world, { at: { x: 20, y: 20 } });
  assert.is(second, first, 'bitECS recycled the id');
  assert.equal([getStore(world, Health).hp[second], getStore(world, Health).max[second]], [100, 100]);
  assert.equal([input.mx[second], input.seek[second], input.tx[second], input.attack[second], input.seq[second]], [0, 0, 0, 0, 0]);
  assert.is(getStore(world, Cooldown).readyAt[second], 0);
  assert.equal([getStore(world, Score).kills[second], getStore(world, Score).deaths[second]], [0, 0]);
  assert.not.ok(hasComponent(world, second, getStore(world, Dead)), 'not born dead');
  assert.equal(world.inputs.get(second), [], 'no commands inherited');
  assert.is(getStore(world, NetId).id[second], 2, 'a new NetId');
});

Players('capacity overflow throws a clear error and leaves the world usable', () => {
  const world = createBattleWorld({ rules, capacity: 3, systems: [] });
  const a = spawnPlayer(world);
  spawnPlayer(world);
  assert.throws(() => spawnPlayer(world), (e: Error) => /Skirmish: world is full \(capacity 3\)/.test(e.message));
  assert.throws(() => spawnPlayer(world), /world is full/, 'still full');
  assert.is(world.inputs.size, 2);
  assert.is(world.nextNetId, 3, 'no NetId spent on a failed spawn');
  assert.is(world.events.filter((e) => e.type === 'spawn').length, 2);
  despawnPlayer(world, a);
  const c = spawnPlayer(world);
  assert.is(c, a);
});

Players('despawnPlayer of a non-player throws', ({ world }) => {
  assert.throws(() => despawnPlayer(world, 999), /Skirmish: entity 999 is not a player of this world/);
  const thing = addEntity(world);
  assert.throws(() => despawnPlayer(world, thing), new RegExp(`entity ${thing} is not a player`));
  assert.ok(entityExists(world, thing), 'the non-player is left alone');
  const p = spawnPlayer(world);
  despawnPlayer(world, p);
  assert.throws(() => despawnPlayer(world, p), /is not a player/, 'twice');
});

Players('despawnPlayer removes the entity, its queue, and emits despawn with the NetId', ({ world }) => {
  const a = spawnPlayer(world);
  const b = spawnPlayer(world);
  const netB = getStore(world, NetId).id[b]!;
  despawnPlayer(world, b);
  assert.not.ok(entityExists(world, b));
  assert.ok(entityExists(world, a));
  assert.not.ok(world.inputs.has(b));
  assert.is(queueInput(world, b, { attack: true }), false);
  assert.equal(world.events[world.events.length - 1], { type: 'despawn', eid: b, netId: netB });
});

// ---------------------------------------------------------------------------------------------
const Determinism = suite('world: determinism');

// A small map so that players meet, fight, die and respawn within the match.
const arena: BattleRules = { ...rules, map: { width: 30, height: 30 } };

interface Match { pos: number[]; health: number[]; score: number[]; dead: number[]; kills: number; respawns: number }

/** Plays a scripted match: 6 players, inputs chosen by a script RNG independent of the world's seed. */
function play(seed: number): Match {
  const world = createBattleWorld({ rules: arena, seed, dt: 1 / 30, capacity: 16 });
  const script = createRng(12345);
  const players = Array.from({ length: 6 }, () => spawnPlayer(world));
  let kills = 0;
  let respawns = 0;
  for (let t = 0; t < 300; t++) {
    for (const eid of players) {
      const roll = script.next();
      if (roll < 0.3) queueInput(world, eid, { seq: t, move: { x: script.range(-1, 1), y: script.range(-1, 1) }, attack: script.next() < 0.5 });
      else if (roll < 0.4) queueInput(world, eid, { seq: t, target: { x: script.range(0, 30), y: script.range(0, 30) } });
      else if (roll < 0.8) queueInput(world, eid, { seq: t, attack: true });
    }
    step(world);
    for (const e of world.events as BattleEvent[]) {
      if (e.type === 'kill') kills++;
      if (e.type === 'respawn') respawns++;
    }
  }
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const deadStore = getStore(world, Dead);
  return {
    pos: [...pos.x, ...pos.y],
    health: [...health.hp],
    score: [...score.kills, ...score.deaths],
    dead: players.map((e) => (hasComponent(world, e, deadStore) ? deadStore.respawnAt[e]! : -1)),
    kills,
    respawns,
  };
}

Determinism('the same seed and inputs give the same match', () => {
  const a = play(77);
  const b = play(77);
  assert.ok(a.kills > 0 && a.respawns > 0, `the script must exercise combat and respawn (kills ${a.kills}, respawns ${a.respawns})`);
  assert.equal(a.pos, b.pos);
  assert.equal(a.health, b.health);
  assert.equal(a.score, b.score);
  assert.equal(a.dead, b.dead);
  assert.equal([a.kills, a.respawns], [b.kills, b.respawns]);
});

Determinism('a different seed gives a different match', () => {
  const a = play(77);
  const c = play(78);
  assert.not.equal(a.pos, c.pos);
});

// ---------------------------------------------------------------------------------------------
const Rng = suite('world: rng');

Rng('next() is in [0, 1)', () => {
  const rng = createRng(9);
  let min = 1;
  let max = 0;
  for (let i = 0; i < 10000; i++) {
    const v = rng.next();
    assert.ok(v >= 0 && v < 1, `next() = ${v}`);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min < 0.01 && max > 0.99, `spread ${min}..${max}`);
});

Rng('range(min, max) is in [min, max)', () => {
  const rng = createRng(9);
  let sum = 0;
  for (let i = 0; i < 10000; i++) {
    const v = rng.range(-5, 15);
    assert.ok(v >= -5 && v < 15, `range() = ${v}`);
    sum += v;
  }
  assert.ok(Math.abs(sum / 10000 - 5) < 0.5, `mean ${sum / 10000}`);
});

Rng('int(n) is an integer in [0, n) and reaches every value', () => {
  const rng = createRng(9);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const v = rng.int(6);
    assert.ok(Number.isInteger(v) && v >= 0 && v < 6, `int(6) = ${v}`);
    seen.add(v);
  }
  assert.is(seen.size, 6);
});

Rng('the same seed gives the same sequence; another seed another', () => {
  const a = createRng(2024);
  const b = createRng(2024);
  const c = createRng(2025);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.equal(sa, sb);
  assert.not.equal(sa, sc);
});

Rng('state() lets a sequence be saved and resumed', () => {
  const a = createRng(31);
  for (let i = 0; i < 17; i++) a.next();
  const resumed = createRng(a.state());
  assert.equal(Array.from({ length: 10 }, () => resumed.next()), Array.from({ length: 10 }, () => a.next()));
});

Rng('a world draws from its own seeded RNG', () => {
  const a = createWorld({ seed: 4 });
  const b = createWorld({ seed: 4 });
  const x = a.rng.next();
  assert.is(b.rng.next(), x);
  assert.is.not(a.rng.next(), x);
  assert.is(createRng(4).next(), x);
});

World.run();
Players.run();
Determinism.run();
Rng.run();
