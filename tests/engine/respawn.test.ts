import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, spawnPlayer, queueInput, inputSystem, movementSystem, combatSystem, respawnSystem,
  step, getStore, hasComponent, addComponent, isAlive, Health, Dead, Position,
  type BattleWorld, type BattleRules, type BattleEvent,
} from '../../engine';

// A map far wider than high, so swapped width/height would show.
const rules: BattleRules = {
  map: { width: 200, height: 10 }, speed: 25, health: 100,
  attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 3,
};
const dt = 0.1;

const Respawn = suite<{ world: BattleWorld }>('respawn');
Respawn.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt, seed: 11, systems: [inputSystem, movementSystem, combatSystem, respawnSystem] });
});

/** Spawns an attacker and a victim at 10 hp, kills the victim in the next tick, returns both. */
function kill(world: BattleWorld): { attacker: number; victim: number; killedAt: number } {
  const attacker = spawnPlayer(world, { at: { x: 50, y: 5 } });
  const victim = spawnPlayer(world, { at: { x: 55, y: 5 } });
  getStore(world, Health).hp[victim] = 10;
  queueInput(world, attacker, { attack: true });
  step(world);
  assert.ok(hasComponent(world, victim, getStore(world, Dead)), 'setup: the victim died');
  return { attacker, victim, killedAt: world.time.tick };
}

const respawns = (world: BattleWorld) => (world.events as BattleEvent[]).filter((e) => e.type === 'respawn');

Respawn('does not respawn before respawnDelay', ({ world }) => {
  const { victim, killedAt } = kill(world);
  while (world.time.tick < killedAt + 29) {
    step(world);
    assert.not.ok(isAlive(world, victim), `still dead at tick ${world.time.tick}`);
    assert.is(respawns(world).length, 0);
  }
  assert.is(getStore(world, Health).hp[victim], 0);
});

Respawn('respawns exactly respawnDelay after death', ({ world }) => {
  const { victim, killedAt } = kill(world);
  for (let i = 0; i < 30; i++) step(world); // 30 ticks of 0.1 s = 3 s
  assert.is(world.time.tick, killedAt + 30);
  assert.ok(isAlive(world, victim));
  assert.not.ok(hasComponent(world, victim, getStore(world, Dead)), 'Dead removed');
  assert.equal(respawns(world), [{ type: 'respawn', eid: victim }]);
});

Respawn('respawns exactly 30 ticks after death whatever the tick of death (float rounding absorbed)', () => {
  // Killed at ticks like 51 or 56, (k + 30) * 0.1 rounds below k * 0.1 + 3 in floating point.
  for (let k = 1; k <= 60; k++) {
    const world = createBattleWorld({ rules, dt, seed: 11, systems: [inputSystem, movementSystem, combatSystem, respawnSystem] });
    while (world.time.tick < k - 1) step(world);
    const { victim, killedAt } = kill(world);
    assert.is(killedAt, k);
    while (world.time.tick < k + 29) step(world);
    assert.not.ok(isAlive(world, victim), `killed at tick ${k}: still dead at tick ${k + 29}`);
    step(world);
    assert.ok(isAlive(world, victim), `killed at tick ${k}: back at tick ${k + 30}`);
  }
});

Respawn('respawns once: no second respawn event', ({ world }) => {
  const { victim } = kill(world);
  for (let i = 0; i < 30; i++) step(world);
  step(world);
  assert.is(respawns(world).length, 0);
  assert.ok(isAlive(world, victim));
});

Respawn('comes back with full health', ({ world }) => {
  const { victim } = kill(world);
  getStore(world, Health).max[victim] = 120; // the player's max, not a constant
  for (let i = 0; i < 30; i++) step(world);
  assert.is(getStore(world, Health).hp[victim], 120);
});

Respawn('comes back at a random spot inside the map', ({ world }) => {
  const pos = getStore(world, Position);
  const dead = getStore(world, Dead);
  const eids = Array.from({ length: 40 }, () => spawnPlayer(world, { at: { x: 0, y: 0 } }));
  for (const eid of eids) {
    addComponent(world, eid, dead);
    dead.respawnAt[eid] = 0;
    getStore(world, Health).hp[eid] = 0;
  }
  inputSystem(world);
  respawnSystem(world);
  const xs = eids.map((e) => pos.x[e]!);
  const ys = eids.map((e) => pos.y[e]!);
  for (let i = 0; i < eids.length; i++) {
    assert.ok(xs[i]! >= 0 && xs[i]! <= rules.map.width, `x=${xs[i]}`);
    assert.ok(ys[i]! >= 0 && ys[i]! <= rules.map.height, `y=${ys[i]}`);
  }
  assert.ok(Math.max(...xs) > rules.map.height, 'x spans the map width');
  assert.is(new Set(xs).size, eids.length, 'every player got its own spot');
  assert.is(respawns(world).length, eids.length);
});

Respawn('a respawned player can move and be hit again', ({ world }) => {
  const { attacker, victim } = kill(world);
  for (let i = 0; i < 30; i++) step(world);
  const pos = getStore(world, Position);
  pos.x[victim] = 52;
  pos.y[victim] = 5;
  queueInput(world, attacker, { attack: true });
  queueInput(world, victim, { move: { x: 0, y: 1 } });
  step(world);
  assert.is(getStore(world, Health).hp[victim], 90);
  assert.ok(pos.y[victim]! > 5, `y=${pos.y[victim]}`);
});

Respawn('leaves living players alone', ({ world }) => {
  const { attacker } = kill(world);
  const pos = getStore(world, Position);
  for (let i = 0; i < 30; i++) step(world);
  assert.equal([pos.x[attacker], pos.y[attacker]], [50, 5]);
  assert.is(getStore(world, Health).hp[attacker], 100);
});

Respawn.run();
