import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, spawnPlayer, despawnPlayer, queueInput, step, getStore, addComponent, removeComponent, positionAt,
  battleSystems, inputSystem, movementSystem, respawnSystem, historySystem, syncSystem, Position, Dead,
  type BattleWorld, type BattleRules, type System,
} from '../../engine';

const rules: BattleRules = {
  map: { width: 100, height: 100 }, speed: 25, health: 100,
  attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 3,
  lagCompensation: { maxRewind: 0.25, history: 1 },
};
const dt = 0.1;

const History = suite<{ world: BattleWorld }>('history');
History.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt, seed: 8 });
});

type Track = Map<number, { x: number; y: number }>;

/** Steps `n` ticks, remembering where `eid` stood after each (by tick). */
function run(world: BattleWorld, eid: number, n: number, track: Track = new Map()): Track {
  const pos = getStore(world, Position);
  for (let i = 0; i < n; i++) {
    step(world);
    track.set(world.time.tick, { x: pos.x[eid]!, y: pos.y[eid]! });
  }
  return track;
}

/** positionAt as a value: the position, or null when it returns false. */
function at(world: BattleWorld, eid: number, time: number): { x: number; y: number } | null {
  const out = { x: Number.NaN, y: Number.NaN };
  return positionAt(world, eid, time, out) ? out : null;
}

/** A player walking (0.75, 0.5) units per tick from (10, 10): a new spot every tick for 100 ticks. */
function walker(world: BattleWorld): number {
  const eid = spawnPlayer(world, { at: { x: 10, y: 10 } });
  queueInput(world, eid, { move: { x: 0.3, y: 0.2 } });
  return eid;
}

History('keeps ceil(history / dt) + 1 ticks', ({ world }) => {
  assert.is(world.history!.size, 11);
  assert.is(createBattleWorld({ rules, dt: 1 / 30 }).history!.size, 31);
  assert.is(createBattleWorld({ rules, dt: 0.3 }).history!.size, 5);
  assert.is(createBattleWorld({ rules: { ...rules, lagCompensation: {} }, dt: 1 / 60 }).history!.size, 61, 'history defaults to 1 s');
});

History('historySystem runs after respawn and right before sync', () => {
  const i = battleSystems.indexOf(historySystem);
  assert.ok(i > battleSystems.indexOf(respawnSystem));
  assert.is(battleSystems[i + 1], syncSystem);
});

History('positionAt is exact at recorded ticks', ({ world }) => {
  const eid = walker(world);
  const track = run(world, eid, 8);
  for (const [tick, spot] of track) assert.equal(at(world, eid, tick * dt), spot, `tick ${tick}`);
  assert.equal(at(world, eid, 3 * dt), { x: 10 + 3 * 0.75, y: 10 + 3 * 0.5 }, 'and where the walk says');
});

History('positionAt interpolates between two recorded ticks', ({ world }) => {
  const eid = walker(world);
  const track = run(world, eid, 8);
  for (const frac of [0.25, 0.5, 0.9]) {
    const p = at(world, eid, (4 + frac) * dt);
    assert.ok(p !== null, `tick 4 + ${frac}`);
    const a = track.get(4)!;
    const b = track.get(5)!;
    assert.ok(Math.abs(p.x - (a.x + (b.x - a.x) * frac)) < 1e-6, `x ${p.x} at 4 + ${frac}`);
    assert.ok(Math.abs(p.y - (a.y + (b.y - a.y) * frac)) < 1e-6, `y ${p.y} at 4 + ${frac}`);
  }
});

History('the ring wraps: after many laps the last size ticks are exact, older times are false', ({ world }) => {
  const eid = walker(world);
  const track = run(world, eid, 50); // more than four laps of 11
  for (let tick = 40; tick <= 50; tick++) assert.equal(at(world, eid, tick * dt), track.get(tick)!, `tick ${tick}`);
  assert.is(at(world, eid, 39 * dt), null, 'tick 39 was overwritten by tick 50');
  assert.is(at(world, eid, 39.5 * dt), null, 'between an overwritten tick and the oldest kept');
  assert.ok(at(world, eid, 40.5 * dt) !== null);
  assert.is(at(world, eid, 28 * dt), null, 'a tick of the same slot, laps ago');
});

History('false before the first record, in the future, and for NaN', ({ world }) => {
  const eid = walker(world);
  run(world, eid, 5);
  assert.is(at(world, eid, 0), null, 'tick 0 was never recorded');
  assert.is(at(world, eid, 0.5 * dt), null);
  assert.is(at(world, eid, -dt), null);
  assert.is(at(world, eid, 6 * dt), null, 'the future');
  assert.is(at(world, eid, 5.5 * dt), null, 'between now and the future');
  assert.is(at(world, eid, Number.NaN), null);
});

History('false for a player that joined later, and for the times of a recycled entity id\'s previous owner', ({ world }) => {
  const a = walker(world);
  run(world, a, 3);
  const b = spawnPlayer(world, { at: { x: 70, y: 70 } });
  run(world, b, 3); // ticks 4..6
  assert.is(at(world, b, 3 * dt), null, 'b was not there at tick 3');
  assert.is(at(world, b, 3.5 * dt), null);
  assert.equal(at(world, b, 4 * dt), { x: 70, y: 70 });

  despawnPlayer(world, a);
  const c = spawnPlayer(world, { at: { x: 30, y: 80 } });
  assert.is(c, a, 'setup: bitECS recycled the id');
  assert.is(at(world, c, 6 * dt), null, 'before its first tick, the records under its id are not its own');
  step(world); // tick 7
  assert.equal(at(world, c, 7 * dt), { x: 30, y: 80 });
  assert.is(at(world, c, 6 * dt), null, 'tick 6 belongs to the previous owner');
  assert.is(at(world, c, 6.5 * dt), null);
});

History('false while dead: at a dead tick, and between a dead and a living tick', ({ world }) => {
  const eid = walker(world);
  const dead = getStore(world, Dead);
  run(world, eid, 3);
  addComponent(world, eid, dead);
  dead.respawnAt[eid] = 1000;
  step(world); // tick 4: recorded dead
  removeComponent(world, eid, dead);
  run(world, eid, 2); // ticks 5, 6 alive
  assert.ok(at(world, eid, 3 * dt) !== null);
  assert.is(at(world, eid, 4 * dt), null);
  assert.is(at(world, eid, 3.5 * dt), null);
  assert.is(at(world, eid, 4.5 * dt), null);
  assert.ok(at(world, eid, 5.5 * dt) !== null);
});

History('during a tick, the tick being run reads live positions', () => {
  const seen: ({ x: number; y: number } | null)[] = [];
  const probe: System<BattleWorld> = (w) => {
    seen.push(at(w, 1, w.time.elapsed), at(w, 1, w.time.elapsed - dt / 2));
  };
  const world = createBattleWorld({ rules, dt, seed: 8, systems: [inputSystem, movementSystem, probe, historySystem] });
  const eid = walker(world);
  step(world); // tick 1: tick 0 was never recorded
  assert.equal(seen, [{ x: 10.75, y: 10.5 }, null]);
  step(world); // tick 2
  assert.equal(seen[2], { x: 11.5, y: 11 });
  assert.ok(Math.abs(seen[3]!.x - 11.125) < 1e-6 && Math.abs(seen[3]!.y - 10.75) < 1e-6, `halfway ${JSON.stringify(seen[3])}`);
  assert.is(eid, 1);
});

History('without rules.lagCompensation: no history, positionAt is false', () => {
  const { lagCompensation: _, ...plain } = rules;
  const world = createBattleWorld({ rules: plain, dt, seed: 8 });
  assert.is(world.history, null);
  const eid = walker(world);
  run(world, eid, 3);
  assert.is(at(world, eid, 2 * dt), null);
  assert.is(at(world, eid, 3 * dt), null);
});

History('rules.lagCompensation is validated', () => {
  const bad = (lagCompensation: BattleRules['lagCompensation']) => () => createBattleWorld({ rules: { ...rules, lagCompensation } });
  assert.throws(bad({ maxRewind: -0.1 }), /Skirmish: rule lagCompensation\.maxRewind must be a finite number ≥ 0, got -0\.1/);
  assert.throws(bad({ history: 0 }), /Skirmish: rule lagCompensation\.history must be a finite number > 0, got 0/);
  assert.throws(bad({ maxRewind: 2, history: 1 }), /Skirmish: rule lagCompensation\.history must be a finite number ≥ 2, got 1/);
  assert.throws(bad({ history: Number.NaN }), /lagCompensation\.history .* got NaN/);
});

History.run();
