// The server's state hasher: a real worker thread hashing recorded ticks straight from a world's
// shared stores.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBattleWorld, createRng, queueInput, recordMatch, spawnPlayer, step, verifyReplay } from '../../engine';
import { createWorkerHasher } from '../../net/server/state-hasher';
import { concat, matchRules, records, recordTestMatch } from '../engine/replay-match';

const Hasher = suite('state hasher on a worker thread');

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

// A seeded match of 12 wanderers recorded for `ticks` ticks, with `pauseMs` between ticks (a
// server's idle time between ticks, when the worker hashes).
async function pacedMatch(ticks: number, pauseMs: number, hasher?: ReturnType<typeof createWorkerHasher>): Promise<Uint8Array> {
  const world = createBattleWorld({ rules: matchRules, seed: 8, capacity: 64, sharedMemory: hasher !== undefined });
  const rng = createRng(4);
  const players = Array.from({ length: 12 }, () => spawnPlayer(world));
  const chunks: Uint8Array[] = [];
  const recorder = recordMatch(world, { sink: (c) => chunks.push(c), startedAtMs: 1, hasher });
  for (let t = 0; t < ticks; t++) {
    for (const eid of players) if (rng.next() < 0.3) queueInput(world, eid, { seq: t, move: { x: rng.int(3) - 1, y: rng.int(3) - 1 }, attack: rng.next() < 0.1 });
    step(world);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  recorder.close();
  return concat(chunks);
}

Hasher('between ticks the worker hashes the shared stores, and the records are the ones hashed in place', async () => {
  const hasher = createWorkerHasher();
  try {
    // The worker starts with the first job (a fraction of a second): a first match lets it.
    await pacedMatch(60, 12, hasher);
    const before = { ...hasher.stats };
    const threaded = await pacedMatch(80, 12, hasher);
    const plain = await pacedMatch(80, 0);
    assert.ok(sameBytes(records(threaded), records(plain)), 'identical records');
    assert.ok(verifyReplay(threaded).ok);
    const submitted = hasher.stats.submitted - before.submitted;
    const byWorker = hasher.stats.byWorker - before.byWorker;
    assert.is(submitted, 80, 'every tick went to the worker');
    assert.is(byWorker + hasher.stats.settledHere - before.settledHere, submitted);
    // 12 ms between ticks is plenty for a worker that looks every 5 (a loaded machine may delay a few).
    assert.ok(byWorker > submitted * 0.8, JSON.stringify({ before, after: hasher.stats }));
  } finally {
    await hasher.close();
  }
});

Hasher('ticks back to back: what the worker has not finished is settled in place, with the same records', async () => {
  const hasher = createWorkerHasher();
  try {
    const plain = recordTestMatch({ ticks: 1500 });
    const threaded = recordTestMatch({ ticks: 1500, hasher, sharedMemory: true });
    assert.ok(sameBytes(records(threaded.bytes), records(plain.bytes)), 'identical records');
    assert.ok(verifyReplay(threaded.bytes).ok);
    assert.is(hasher.stats.byWorker + hasher.stats.settledHere, hasher.stats.submitted);
    assert.ok(hasher.stats.submitted > 1400, JSON.stringify(hasher.stats));
  } finally {
    await hasher.close();
  }
});

Hasher('a world without shared stores, or a hasher that stopped, is hashed in place', async () => {
  const hasher = createWorkerHasher();
  const plain = recordTestMatch({ ticks: 300 });
  const unshared = recordTestMatch({ ticks: 300, hasher });
  assert.is(hasher.stats.submitted, 0);
  assert.ok(hasher.stats.refused > 250);
  assert.ok(sameBytes(records(unshared.bytes), records(plain.bytes)));
  await hasher.close();
  const stopped = recordTestMatch({ ticks: 300, hasher, sharedMemory: true });
  assert.is(hasher.stats.submitted, 0);
  assert.ok(sameBytes(records(stopped.bytes), records(plain.bytes)));
});

Hasher.run();
