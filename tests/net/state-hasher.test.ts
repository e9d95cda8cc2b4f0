// The server's state hasher: a real worker thread hashing recorded ticks through shared memory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBattleWorld, hashWorld, spawnPlayer, step, verifyReplay, writeHashSnapshot } from '../../engine';
import { createWorkerHasher, type WorkerHasher } from '../../net/server/state-hasher';
import { PREAMBLE_BYTES } from '../../engine/replay/format';
import { concat, matchRules, recordTestMatch } from '../engine/replay-match';

const Hasher = suite('state hasher on a worker thread');

// The records of a file: its chunks' payloads, unframed (chunk boundaries may move, records not).
function records(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const payloads: Uint8Array[] = [];
  for (let at = PREAMBLE_BYTES; at < file.length;) {
    const length = view.getUint32(at, true);
    payloads.push(file.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  return concat(payloads);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

// Hands the worker one snapshot of `world` and waits (event loop free) until the worker answers.
async function hashedByWorker(hasher: WorkerHasher, world: ReturnType<typeof createBattleWorld>, ms = 20_000): Promise<number> {
  const lent = hasher.acquire(1 << 12)!;
  const length = writeHashSnapshot(world, lent);
  assert.ok(length > 0, `snapshot fits (${length})`);
  const ticket = hasher.submit(length);
  const until = Date.now() + ms;
  for (;;) {
    const hash = hasher.poll(ticket);
    if (hash !== undefined) return hash;
    if (Date.now() > until) throw new Error(`the worker did not hash ticket ${ticket} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

Hasher('the worker hashes what hashWorld hashes, and a recording through it holds the same records', async () => {
  const hasher = createWorkerHasher();
  try {
    const small = createBattleWorld({ rules: matchRules, seed: 2 });
    spawnPlayer(small);
    step(small);
    assert.is(await hashedByWorker(hasher, small), hashWorld(small), 'the first snapshot, once the worker is up');
    const plain = recordTestMatch({ ticks: 1500 });
    const threaded = recordTestMatch({ ticks: 1500, hasher });
    assert.ok(sameBytes(records(threaded.bytes), records(plain.bytes)), 'identical records');
    assert.ok(verifyReplay(threaded.bytes).ok);
    const { submitted, byWorker, inPlace } = hasher.stats;
    assert.ok(submitted > 100, JSON.stringify(hasher.stats));
    assert.is(byWorker + inPlace, submitted, 'every ticket answered once');
    assert.ok(byWorker > 0, `the worker answered ${byWorker} of ${submitted}`);
  } finally {
    await hasher.close();
  }
});

Hasher('slots grow for a bigger world, between snapshots', async () => {
  const hasher = createWorkerHasher({ slots: 4 });
  try {
    const small = createBattleWorld({ rules: matchRules, seed: 2 });
    spawnPlayer(small);
    assert.is(await hashedByWorker(hasher, small), hashWorld(small));
    const big = createBattleWorld({ rules: { ...matchRules, map: { width: 600, height: 600 } }, seed: 3, capacity: 1200 });
    for (let i = 0; i < 1000; i++) spawnPlayer(big);
    step(big);
    const need = -writeHashSnapshot(big, new Uint8Array(8));
    assert.ok(need > 1 << 16, `a 1000-player snapshot needs ${need} bytes, more than a first slot`);
    const lent = hasher.acquire(need);
    assert.ok(lent !== undefined && lent.length >= need, 'a slot big enough once the others are idle');
    const length = writeHashSnapshot(big, lent);
    const ticket = hasher.submit(length);
    const until = Date.now() + 20_000;
    let hash: number | undefined;
    while ((hash = hasher.poll(ticket)) === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    assert.is(hash, hashWorld(big), 'hashed by the worker from the grown slots');
  } finally {
    await hasher.close();
  }
});

Hasher('a hasher that stops mid-match: the recording hashes in place and still holds the same records', async () => {
  const hasher = createWorkerHasher();
  const plain = recordTestMatch({ ticks: 600 });
  let stopped = false;
  const stopping = { ...hasher, acquire: (bytes: number) => (stopped ? undefined : hasher.acquire(bytes)) };
  const match = recordTestMatch({ ticks: 600, hasher: stopping, close: false });
  stopped = true;
  await hasher.close();
  match.recorder.close();
  assert.ok(sameBytes(records(concat(match.chunks)), records(plain.bytes)));
  assert.ok(verifyReplay(concat(match.chunks)).ok);
  assert.is(hasher.acquire(1024), undefined, 'a closed hasher lends nothing');
});

Hasher.run();
