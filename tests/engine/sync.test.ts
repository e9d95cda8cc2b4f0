import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, spawnPlayer, despawnPlayer, queueInput, step, getStore, addComponent, removeComponent,
  syncSystem, battleSystems, Changed, Position, Health, Score, Dead, NetId,
  type BattleWorld,
} from '../../engine';
import { rules } from '../rules';


// Only the sync system runs, so every change below is one the test made by hand.
const Sync = suite<{ world: BattleWorld }>('sync');
Sync.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt: 0.1, seed: 2, systems: [syncSystem] });
});

const netId = (world: BattleWorld, eid: number): number => getStore(world, NetId).id[eid]!;
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

Sync('spawned lists new players once', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  const b = spawnPlayer(world, { at: { x: 20, y: 20 } });
  assert.equal(world.sync.spawned, [], 'nothing published before the tick');
  step(world);
  assert.equal(world.sync.spawned, [a, b]);
  step(world);
  assert.equal(world.sync.spawned, []);
  const c = spawnPlayer(world, { at: { x: 30, y: 30 } });
  step(world);
  assert.equal(world.sync.spawned, [c]);
});

Sync('a new player is in changed in its first tick, with the alive bit', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  step(world);
  assert.equal(world.sync.changed, [a]);
  const changes = world.sync.changes[a]!;
  assert.ok(changes & Changed.alive, `changes ${changes}`);
  assert.ok(changes & Changed.position, `changes ${changes}`);
  assert.ok(changes & Changed.health, `changes ${changes}`);
});

Sync('nothing changed: changed is empty', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  spawnPlayer(world, { at: { x: 20, y: 20 } });
  step(world);
  step(world);
  assert.equal(world.sync.changed, []);
  assert.is(world.sync.changes[a], 0);
});

Sync('changed lists only the entities that changed, with the right bits', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  const b = spawnPlayer(world, { at: { x: 20, y: 20 } });
  const c = spawnPlayer(world, { at: { x: 30, y: 30 } });
  const d = spawnPlayer(world, { at: { x: 40, y: 40 } });
  const e = spawnPlayer(world, { at: { x: 50, y: 50 } });
  step(world);

  getStore(world, Position).y[a] = 11;
  getStore(world, Health).hp[b] = 90;
  addComponent(world, c, getStore(world, Dead));
  getStore(world, Score).deaths[d] = 1;
  step(world);
  assert.equal(sorted(world.sync.changed), [a, b, c, d]);
  assert.is(world.sync.changes[a], Changed.position);
  assert.is(world.sync.changes[b], Changed.health);
  assert.is(world.sync.changes[c], Changed.alive);
  assert.is(world.sync.changes[d], Changed.score);
  assert.is(world.sync.changes[e], 0);

  step(world);
  assert.equal(world.sync.changed, [], 'published values are remembered');
});

Sync('several fields of one entity: the bits combine', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  step(world);
  getStore(world, Position).x[a] = 12;
  getStore(world, Health).hp[a] = 0;
  addComponent(world, a, getStore(world, Dead));
  getStore(world, Score).kills[a] = 2;
  step(world);
  assert.equal(world.sync.changed, [a]);
  assert.is(world.sync.changes[a], Changed.position | Changed.health | Changed.alive | Changed.score);
});

Sync('coming back to life sets the alive bit again', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  const dead = getStore(world, Dead);
  addComponent(world, a, dead);
  step(world);
  removeComponent(world, a, dead);
  step(world);
  assert.equal(world.sync.changed, [a]);
  assert.is(world.sync.changes[a], Changed.alive);
});

Sync('a change and its reversal within one tick is no change', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  step(world);
  getStore(world, Position).x[a] = 50;
  getStore(world, Position).x[a] = 10;
  step(world);
  assert.equal(world.sync.changed, []);
});

Sync('removed lists the NetIds of despawned players, once', ({ world }) => {
  const a = spawnPlayer(world);
  const b = spawnPlayer(world);
  const c = spawnPlayer(world);
  step(world);
  const netA = netId(world, a);
  const netC = netId(world, c);
  despawnPlayer(world, a);
  despawnPlayer(world, c);
  assert.equal(world.sync.removed, [], 'nothing published before the tick');
  step(world);
  assert.equal(world.sync.removed, [netA, netC]);
  assert.not.ok(world.sync.changed.includes(a) || world.sync.changed.includes(c));
  step(world);
  assert.equal(world.sync.removed, []);
  assert.ok(b > 0);
});

Sync('a player that joined and left between two ticks appears in neither list', ({ world }) => {
  const a = spawnPlayer(world);
  step(world);
  const b = spawnPlayer(world);
  const netB = netId(world, b);
  despawnPlayer(world, b);
  step(world);
  assert.equal(world.sync.spawned, []);
  assert.not.ok(world.sync.removed.includes(netB));
  assert.equal(world.sync.removed, []);
  assert.not.ok(world.sync.changed.includes(b));
  assert.is(world.sync.byNetId.get(netB), undefined);
  assert.ok(world.sync.byNetId.has(netId(world, a)));
});

Sync('a player removed and its id recycled in one tick: the old NetId removed, the new player spawned', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  step(world);
  const netA = netId(world, a);
  despawnPlayer(world, a);
  const b = spawnPlayer(world, { at: { x: 10, y: 10 } }); // same spot as the one it replaces
  assert.is(b, a, 'bitECS recycled the id');
  step(world);
  assert.equal(world.sync.removed, [netA]);
  assert.equal(world.sync.spawned, [b]);
  assert.equal(world.sync.changed, [b], 'a spawned player is published even where its predecessor stood');
  assert.ok(world.sync.changes[b]! & Changed.alive);
});

Sync('byNetId maps NetId to entity id, and forgets despawned players', ({ world }) => {
  const a = spawnPlayer(world);
  const b = spawnPlayer(world);
  const netA = netId(world, a);
  const netB = netId(world, b);
  assert.equal([...world.sync.byNetId.entries()].sort((x, y) => x[0] - y[0]), [[netA, a], [netB, b]]);
  despawnPlayer(world, a);
  assert.is(world.sync.byNetId.get(netA), undefined);
  assert.is(world.sync.byNetId.get(netB), b);
  const c = spawnPlayer(world);
  assert.is(world.sync.byNetId.get(netId(world, c)), c);
  assert.is(world.sync.byNetId.size, 2);
});

Sync('NetIds are never reused, even when entity ids are', ({ world }) => {
  const a = spawnPlayer(world);
  const b = spawnPlayer(world);
  assert.equal([netId(world, a), netId(world, b)], [1, 2]);
  despawnPlayer(world, a);
  despawnPlayer(world, b);
  const c = spawnPlayer(world);
  const d = spawnPlayer(world);
  assert.ok(c === a || c === b, 'ids were recycled');
  assert.equal([netId(world, c), netId(world, d)], [3, 4]);
});

// The full tick: changes come from the real systems.
const SyncTick = suite<{ world: BattleWorld }>('sync: in a battle tick');
SyncTick.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt: 0.1, seed: 2 });
});

SyncTick('a hit marks the victim\'s health, a new direction the mover\'s direction, and nothing else', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 55, y: 50 } });
  const c = spawnPlayer(world, { at: { x: 90, y: 90 } });
  step(world);
  queueInput(world, a, { attack: true });
  queueInput(world, c, { move: { x: -1, y: 0 } });
  step(world);
  assert.equal(sorted(world.sync.changed), [b, c]);
  assert.is(world.sync.changes[b], Changed.health);
  assert.is(world.sync.changes[c], Changed.direction);
  // Walking on in the same direction is what every client reckons: nothing to publish.
  step(world);
  assert.equal(world.sync.changed, []);
});

SyncTick('dead reckoning: walking into a wall and along it needs no correction; a teleport does', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 99.5, y: 50 } });
  step(world);
  queueInput(world, a, { move: { x: 1, y: 1 } });
  step(world);
  assert.is(world.sync.changes[a], Changed.direction);
  for (let i = 0; i < 30; i++) {
    step(world);
    assert.is(world.sync.changes[a], 0, `tick ${i}: clamped motion is reckoned exactly`);
  }
  assert.is(getStore(world, Position).x[a], 100);
  getStore(world, Position).x[a] = 10;
  step(world);
  assert.is(world.sync.changes[a], Changed.position);
});

SyncTick('a direction finer than the wire carries is published quantized, and corrected where it drifts', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  step(world);
  // 0.3 is no level of 1/127: clients walk quantizeAxis(0.3), the server 0.3.
  queueInput(world, a, { move: { x: 0.3, y: 0 } });
  step(world);
  assert.ok(world.sync.changes[a]! & Changed.direction);
  let corrections = 0;
  for (let i = 0; i < 30; i++) {
    step(world);
    if (world.sync.changes[a]! & Changed.position) corrections++;
  }
  assert.ok(corrections > 0, 'the drift is corrected, not left to grow');
});

SyncTick('a seek move (classic protocol) is published once, as a motion: no positions, not even when it stops', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 10, y: 10 } });
  step(world);
  queueInput(world, a, { target: { x: 13, y: 14 } });
  step(world);
  assert.is(world.sync.changes[a], Changed.direction);
  // 5 units at 25 u/s: it arrives within 7 ticks and stands there, all of it dead-reckoned.
  for (let i = 0; i < 12; i++) {
    step(world);
    assert.is(world.sync.changes[a], 0, `tick ${i}`);
  }
  const pos = getStore(world, Position);
  assert.equal([pos.x[a], pos.y[a]], [13, 14]);
  queueInput(world, a, { target: { x: 13, y: 14 } });
  step(world);
  assert.is(world.sync.changes[a], 0, 'the same target again is no change');
  queueInput(world, a, { move: { x: 0, y: 0 } });
  step(world);
  assert.is(world.sync.changes[a], Changed.direction, 'from a seek to a direction is a motion change');
});

SyncTick('a kill marks the victim\'s health, alive and score, and the killer\'s score', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 55, y: 50 } });
  getStore(world, Health).hp[b] = 10;
  step(world);
  queueInput(world, a, { attack: true });
  step(world);
  assert.equal(sorted(world.sync.changed), [a, b]);
  assert.is(world.sync.changes[a], Changed.score);
  assert.is(world.sync.changes[b], Changed.health | Changed.alive | Changed.score);
});

SyncTick('the battle systems end with sync', () => {
  assert.is(battleSystems[battleSystems.length - 1], syncSystem);
});

Sync.run();
SyncTick.run();
