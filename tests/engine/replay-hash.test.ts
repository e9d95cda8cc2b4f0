import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addComponent, createBattleWorld, Dead, getStore, hashWorld, Health, LastAttack, LocalPlayer, Offline, Position, Score, spawnPlayer, step,
} from '../../engine';
import { matchRules } from './replay-match';

const Hash = suite('replay hash');

Hash('does not depend on the order components were registered or stores allocated in', () => {
  const a = createBattleWorld({ rules: matchRules, seed: 4 });
  const b = createBattleWorld({ rules: matchRules, seed: 4 });
  // b registers Offline and Dead with bitECS (and allocates their stores) before anything else.
  const e0 = spawnPlayer(a, { at: { x: 1, y: 1 } });
  for (const def of [Offline, Dead, Score]) getStore(b, def);
  const bTagged = spawnPlayer(b, { at: { x: 1, y: 1 } });
  addComponent(b, bTagged, getStore(b, Offline));
  addComponent(a, e0, getStore(a, Offline));
  for (const def of [Offline, Dead, Score]) getStore(a, def);
  assert.is(hashWorld(a), hashWorld(b));
  step(a);
  step(b);
  assert.is(hashWorld(a), hashWorld(b));
});

Hash('changes with any field, membership, the RNG and the NetId counter', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 4 });
  const eid = spawnPlayer(world);
  spawnPlayer(world);
  step(world);
  const changes: [string, () => void][] = [
    ['a position', () => { getStore(world, Position).x[eid]! += 1; }],
    ['a health', () => { getStore(world, Health).hp[eid] = 3; }],
    ['a tag', () => addComponent(world, eid, getStore(world, Offline))],
    ['a field of an entity without the component', () => { getStore(world, Dead).respawnAt[eid] = 1; }],
    ['the NetId counter', () => { world.nextNetId++; }],
    ['the RNG', () => { world.rng.next(); }],
  ];
  for (const [what, change] of changes) {
    const before = hashWorld(world);
    change();
    assert.is.not(hashWorld(world), before, what);
  }
});

Hash('is a 32-bit unsigned integer and stable across calls', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 4 });
  spawnPlayer(world);
  const h = hashWorld(world);
  assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
  assert.is(hashWorld(world), h);
});

Hash('an allocated store nobody has and holding only zeros counts as absent', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 4 });
  spawnPlayer(world);
  step(world);
  const before = hashWorld(world);
  getStore(world, LastAttack);
  getStore(world, LocalPlayer);
  assert.is(hashWorld(world), before);
  getStore(world, LastAttack).at[1] = 5;
  assert.is.not(hashWorld(world), before);
});

Hash.run();
