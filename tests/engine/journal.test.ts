import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBattleWorld, despawnPlayer, getStore, hasComponent, inputSystem, Offline, setJournal, setOffline, spawnPlayer,
  type WorldJournal,
} from '../../engine';
import { recordMatch } from '../../engine/replay';
import { matchRules } from './replay-match';

const Journal = suite('journal and setOffline');

Journal('spawn, despawn and Offline changes reach the journal in order, once each', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 1 });
  const seen: string[] = [];
  const journal: WorldJournal = {
    spawned: (eid, x, y, random) => seen.push(`spawn ${eid} ${x} ${y} ${random}`),
    despawned: (eid) => seen.push(`despawn ${eid}`),
    offline: (eid, offline) => seen.push(`offline ${eid} ${offline}`),
  };
  setJournal(world, journal);
  const a = spawnPlayer(world, { at: { x: 1.5, y: 2.5 } });
  setOffline(world, a, true);
  setOffline(world, a, true); // no change, no entry
  assert.ok(hasComponent(world, a, getStore(world, Offline)));
  setOffline(world, a, false);
  assert.not.ok(hasComponent(world, a, getStore(world, Offline)));
  despawnPlayer(world, a);
  setJournal(world, null);
  spawnPlayer(world);
  assert.equal(seen, [`spawn ${a} 1.5 2.5 false`, `offline ${a} true`, `offline ${a} false`, `despawn ${a}`]);
});

Journal('setOffline throws for an entity that is not a player', () => {
  const world = createBattleWorld({ rules: matchRules });
  assert.throws(() => setOffline(world, 3, true), /Skirmish: entity 3 is not a player/);
});

Journal('a world can be recorded by one recorder at a time; closing frees it', () => {
  const world = createBattleWorld({ rules: matchRules });
  const first = recordMatch(world, { sink: () => {} });
  assert.throws(() => recordMatch(world, { sink: () => {} }), /already has a journal/);
  first.close();
  const systems = world.systems.length;
  const original = [...world.systems];
  const second = recordMatch(world, { sink: () => {} });
  // One before everything, one right after the input system (encoding what it consumed), one last.
  assert.is(world.systems.length, systems + 3);
  assert.not.ok(original.includes(world.systems[0]!));
  assert.not.ok(original.includes(world.systems[world.systems.indexOf(inputSystem) + 1]!));
  assert.not.ok(original.includes(world.systems.at(-1)!));
  second.close();
  assert.is(world.systems.length, systems);
});

Journal.run();
