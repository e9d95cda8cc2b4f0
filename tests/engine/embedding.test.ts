// A second game built on the engine alone: its own components and systems, no battle code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createWorld, createBattleWorld, step, emit, defineComponent, defineTag, getStore, resetStore, query,
  addEntity, addComponent, hasComponent, Not, spawnPlayer, queueInput, battleSystems,
  type EngineWorld, type BattleWorld, type BattleEvent, type System,
} from '../../engine';
import { rules } from '../rules';

// --- a tiny "spinning tops" game ---------------------------------------------------------------

/** Angle in radians and turn rate in radians per second. */
const Spin = defineComponent('Spin', { angle: Float32Array, rate: Float32Array });
/** Tops that have stopped. */
const Stopped = defineTag('Stopped');

/** Turns every running top by rate × dt, wrapping at 2π, and reports each full turn. */
const spinSystem: System = (world) => {
  const spin = getStore(world, Spin);
  for (const eid of query(world, [spin, Not(getStore(world, Stopped))])) {
    let angle = spin.angle[eid]! + spin.rate[eid]! * world.time.dt;
    if (angle >= 2 * Math.PI) {
      angle -= 2 * Math.PI;
      emit(world, { type: 'turn', eid });
    }
    spin.angle[eid] = angle;
  }
};

function addTop(world: EngineWorld, rate: number): number {
  const eid = addEntity(world);
  const spin = resetStore(world, eid, Spin);
  spin.rate[eid] = rate;
  addComponent(world, eid, spin);
  return eid;
}

const Embedding = suite<{ world: EngineWorld }>('embedding: another game');
Embedding.before.each((ctx) => {
  ctx.world = createWorld({ dt: 0.1, seed: 9, systems: [spinSystem] });
});

Embedding('a game-defined component and system run under step', ({ world }) => {
  const slow = addTop(world, 1);
  const fast = addTop(world, 2.5);
  for (let i = 0; i < 20; i++) step(world);
  const spin = getStore(world, Spin);
  assert.ok(Math.abs(spin.angle[slow]! - 2) < 1e-5, `slow ${spin.angle[slow]}`);
  assert.ok(Math.abs(spin.angle[fast]! - 5) < 1e-5, `fast ${spin.angle[fast]}`);
  assert.is(world.time.tick, 20);
});

Embedding('the game\'s own events come out of step', ({ world }) => {
  const top = addTop(world, 10); // a full turn every ~6.3 ticks
  const turns: number[] = [];
  for (let i = 1; i <= 7; i++) {
    step(world);
    if (world.events.length > 0) turns.push(i);
  }
  assert.equal(turns, [7]);
  assert.ok(Math.abs(getStore(world, Spin).angle[top]! - (7 - 2 * Math.PI)) < 1e-5);
});

Embedding('the game\'s tags filter its queries', ({ world }) => {
  const a = addTop(world, 1);
  const b = addTop(world, 1);
  addComponent(world, b, getStore(world, Stopped));
  for (let i = 0; i < 10; i++) step(world);
  const spin = getStore(world, Spin);
  assert.ok(Math.abs(spin.angle[a]! - 1) < 1e-5);
  assert.is(spin.angle[b], 0);
});

Embedding('a game component is stored per world', ({ world }) => {
  const other = createWorld({ dt: 0.5, systems: [spinSystem] });
  const a = addTop(world, 1);
  const b = addTop(other, 1);
  assert.is(a, b);
  step(world);
  step(other);
  assert.ok(Math.abs(getStore(world, Spin).angle[a]! - 0.1) < 1e-6);
  assert.ok(Math.abs(getStore(other, Spin).angle[b]! - 0.5) < 1e-6);
});

Embedding('an engine world carries no battle state', ({ world }) => {
  assert.not.ok('rules' in world);
  assert.not.ok('inputs' in world);
  step(world); // runs without the battle systems or components
  assert.is(world.time.tick, 1);
});

// --- extending the battle world -----------------------------------------------------------------


/** Hits landed by each player over the whole match: a stat the battle engine does not keep. */
const Stats = defineComponent('Stats', { hits: Uint32Array });

/** Counts this tick's hit events; runs after the battle systems, so it sees what combat emitted. */
const statsSystem: System<BattleWorld> = (world) => {
  const stats = getStore(world, Stats);
  for (const event of world.events as BattleEvent[]) {
    if (event.type !== 'hit') continue;
    if (!hasComponent(world, event.attacker, stats)) {
      resetStore(world, event.attacker, Stats);
      addComponent(world, event.attacker, stats);
    }
    stats.hits[event.attacker]!++;
  }
};

const Extending = suite<{ world: BattleWorld }>('embedding: extending the battle');
Extending.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt: 0.1, seed: 9, systems: [...battleSystems, statsSystem] });
});

Extending('a game system appended to battleSystems sees the battle\'s events', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  spawnPlayer(world, { at: { x: 55, y: 50 } });
  spawnPlayer(world, { at: { x: 45, y: 50 } });
  const far = spawnPlayer(world, { at: { x: 5, y: 5 } });
  for (let i = 0; i < 3; i++) {
    queueInput(world, a, { attack: true });
    queueInput(world, far, { attack: true });
    for (let t = 0; t < 5; t++) step(world); // 0.5 s: the cooldown
  }
  const stats = getStore(world, Stats);
  assert.is(stats.hits[a], 6, 'two victims, three attacks');
  assert.not.ok(hasComponent(world, far, stats), 'a player who hit nobody has no stats');
});

Extending('the battle systems still run in the extended world', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  queueInput(world, a, { move: { x: 1, y: 0 } });
  step(world);
  assert.equal(world.systems, [...battleSystems, statsSystem]);
  assert.equal(world.sync.spawned, [a]);
  assert.ok(world.sync.changed.includes(a));
});

Embedding.run();
Extending.run();
