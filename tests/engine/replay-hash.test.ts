import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  addComponent, createBattleWorld, createRng, Dead, despawnPlayer, getStore, Health, LastAttack, LocalPlayer, Offline, Position, removeComponent, Score, spawnPlayer, step,
} from '../../engine';
import { hashWorld } from '../../engine/replay';
import { ByteWriter } from '../../engine/replay/bytes';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint } from '../../engine/replay/checkpoint';
import { loadWasmHash, xxHash32InJs, xxHash32Of } from '../../engine/replay/xxh32';
import { matchRules } from './replay-match';

const Hash = suite('replay hash');

Hash('XXH32 (seed 0): the reference vectors, and a view into a larger buffer hashes as its copy, in JS and in WebAssembly', async () => {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  // Past 256 bytes the JS library reads from the buffer's start: an offset view must not.
  const buffer = new Uint8Array(1024).map((_, i) => (i * 131) & 0xff);
  const pooled = Buffer.from(buffer); // a Node Buffer, whose slice() is a view, not a copy
  for (const hash of [xxHash32InJs, xxHash32Of]) {
    assert.is(hash(text('')), 0x02cc5d05);
    assert.is(hash(text('abc')), 0x32d153ff);
    for (const [from, to] of [[8, 1024], [3, 700], [0, 300], [100, 112]] as const) {
      const copy = buffer.slice(from, to);
      assert.is(hash(buffer.subarray(from, to)), xxHash32InJs(copy), `bytes ${from}…${to}`);
      assert.is(hash(pooled.subarray(from, to)), xxHash32InJs(copy), `Buffer bytes ${from}…${to}`);
    }
    // Once the WebAssembly hasher has loaded, xxHash32Of runs it: the second pass tests it.
    assert.ok(await loadWasmHash(), 'WebAssembly hasher loaded');
  }
  // Every length around the implementations' block sizes (4, 16, 256), and a large one.
  let seed = 9;
  for (const length of [...Array.from({ length: 300 }, (_, i) => i), 4093, 70_001]) {
    const bytes = new Uint8Array(length).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    assert.is(xxHash32Of(bytes.subarray(1)), xxHash32InJs(bytes.subarray(1)), `${length} bytes`);
  }
});

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

Hash('membership kept between calls follows adds and removes: undoing a change gives back the hash', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 4 });
  const a = spawnPlayer(world);
  const b = spawnPlayer(world);
  step(world);
  const before = hashWorld(world);
  addComponent(world, a, getStore(world, Offline));
  const tagged = hashWorld(world);
  assert.is.not(tagged, before);
  removeComponent(world, a, getStore(world, Offline));
  assert.is(hashWorld(world), before, 'tag removed');
  addComponent(world, b, getStore(world, Offline));
  assert.is.not(hashWorld(world), tagged, 'the same tag on another entity');
});

Hash('a world hashes as a fresh world restored from its checkpoint does, through joins, leaves, deaths and tags', () => {
  const world = createBattleWorld({ rules: matchRules, seed: 9, capacity: 64 });
  const rng = createRng(3);
  const players: number[] = [];
  for (let i = 0; i < 10; i++) players.push(spawnPlayer(world));
  const out = new ByteWriter();
  for (let t = 0; t < 400; t++) {
    const r = rng.next();
    if (r < 0.05 && players.length > 2) despawnPlayer(world, players.splice(rng.int(players.length), 1)[0]!);
    else if (r < 0.1 && players.length < 40) players.push(spawnPlayer(world));
    else if (r < 0.15) {
      const eid = players[rng.int(players.length)]!;
      const offline = getStore(world, Offline);
      rng.next() < 0.5 ? addComponent(world, eid, offline) : removeComponent(world, eid, offline);
    } else if (r < 0.2) getStore(world, Health).hp[players[rng.int(players.length)]!] = 0;
    step(world);
    if (t % 20 !== 0) continue;
    out.length = 0;
    writeCheckpoint(world, out);
    const fresh = createBattleWorld({ rules: matchRules, seed: 9, capacity: 64 });
    restoreCheckpoint(fresh, readCheckpoint(out.written().slice(), 64));
    assert.is(hashWorld(world), hashWorld(fresh), `tick ${world.time.tick}`);
  }
});

Hash.run();
