// The recordings folder: files named by match id, sidecars, listing, retention (count and bytes,
// never a live file), and what a stalled or broken disk does (the match plays on unrecorded).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createRecordingStore, recordingFromEnv } from '../../net';

interface Ctx {
  dir: string;
}
const Store = suite<Ctx>('recording store');
Store.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'skirmish-store-'));
});
Store.after.each((ctx) => {
  rmSync(ctx.dir, { recursive: true, force: true });
});

const quiet = createLogger('silent');
const bytes = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill);
/** Makes `id`'s file look `ageS` seconds old, so the order of a fast test is the order intended. */
const age = (dir: string, id: string, ageS: number): void => {
  const t = new Date(Date.now() - ageS * 1000);
  utimesSync(join(dir, `${id}.skr`), t, t);
};

Store('a file per match, named by its id in safe characters; a taken name gets a suffix, never an overwrite', async ({ dir }) => {
  const store = createRecordingStore({ dir }, quiet);
  const a = store.open('mABC_de-f', 'classic');
  a.write(bytes(10));
  const b = store.open('../../etc/passwd', 'arena');
  const c = store.open('mABC_de-f', 'classic');
  assert.is(a.id, 'mABC_de-f');
  assert.is(b.id, '______etc_passwd');
  assert.is(c.id, 'mABC_de-f-1');
  await Promise.all([a.finish({ ticks: 30, durationS: 1 }), b.finish(), c.finish()]);
  const names = readdirSync(dir).sort();
  assert.equal(names, ['______etc_passwd.json', '______etc_passwd.skr', 'mABC_de-f-1.json', 'mABC_de-f-1.skr', 'mABC_de-f.json', 'mABC_de-f.skr']);
  const found = await store.find('mABC_de-f');
  assert.ok(found);
  assert.equal({ ...found.entry, startedAt: 0 }, { id: 'mABC_de-f', type: 'classic', startedAt: 0, ticks: 30, durationS: 1, bytes: 10, live: false });
});

Store('the buffer handed to write may be reused at once: the file has what it held then', async ({ dir }) => {
  const store = createRecordingStore({ dir }, quiet);
  const file = store.open('m1', 'classic');
  const buf = new Uint8Array([1, 2, 3]);
  file.write(buf);
  buf.fill(9);
  file.write(buf);
  await file.finish();
  assert.equal([...readFileSync(join(dir, 'm1.skr'))], [1, 2, 3, 9, 9, 9]);
});

Store('a chunk handed over is written as it is, without a copy', async ({ dir }) => {
  const store = createRecordingStore({ dir }, quiet);
  const file = store.open('m1', 'classic');
  const buffer = new Uint8Array([7, 1, 2, 3, 4, 7]);
  file.write(buffer.subarray(1, 5), true);
  file.write(new Uint8Array([5]), true);
  await file.finish();
  assert.equal([...readFileSync(join(dir, 'm1.skr'))], [1, 2, 3, 4, 5]);
  assert.is(file.bytes, 5);
});

Store('lists newest first, live ones as live with their bytes so far', async ({ dir }) => {
  const store = createRecordingStore({ dir }, quiet);
  const old = store.open('mold', 'arena');
  old.write(bytes(5));
  await old.finish({ ticks: 90, durationS: 3 });
  await new Promise((r) => setTimeout(r, 5));
  const running = store.open('mlive', 'classic');
  running.write(bytes(12));
  await new Promise((r) => setTimeout(r, 50));
  const list = await store.list();
  assert.equal(list.map((e) => [e.id, e.type, e.live, e.bytes, e.ticks]), [['mlive', 'classic', true, 12, undefined], ['mold', 'arena', false, 5, 90]]);
  assert.ok(list[0]!.startedAt >= list[1]!.startedAt);
  await running.finish();
});

Store('retention keeps the newest maxFiles, deleting older files and their sidecars', async ({ dir }) => {
  const store = createRecordingStore({ dir, maxFiles: 3 }, quiet);
  for (let i = 0; i < 5; i++) {
    const f = store.open(`m${i}`, 'classic');
    f.write(bytes(10));
    await f.finish();
    age(dir, `m${i}`, 100 - i);
  }
  await store.prune();
  await store.settled();
  assert.equal((await store.list()).map((e) => e.id).sort(), ['m2', 'm3', 'm4']);
  assert.equal(readdirSync(dir).sort(), ['m2.json', 'm2.skr', 'm3.json', 'm3.skr', 'm4.json', 'm4.skr']);
});

Store('retention by bytes: the newest that fit; once one does not, every older one goes', async ({ dir }) => {
  const store = createRecordingStore({ dir, maxBytes: 250 }, quiet);
  const sizes = [10, 100, 100, 100];
  for (const [i, n] of sizes.entries()) {
    const f = store.open(`m${i}`, 'classic');
    f.write(bytes(n));
    await f.finish();
    age(dir, `m${i}`, 100 - i);
  }
  await store.prune();
  await store.settled();
  // Newest first: m3 (100), m2 (200 in all); m1 would make 300. m0 alone would fit (210) but is older than m1.
  assert.equal((await store.list()).map((e) => e.id).sort(), ['m2', 'm3']);
});

Store('a file still being written is never deleted, even past every limit', async ({ dir }) => {
  const store = createRecordingStore({ dir, maxFiles: 1, maxBytes: 50 }, quiet);
  const first = store.open('mfirst', 'classic');
  first.write(bytes(100));
  const second = store.open('msecond', 'classic');
  second.write(bytes(100));
  await store.prune();
  assert.ok(existsSync(join(dir, 'mfirst.skr')));
  assert.ok(existsSync(join(dir, 'msecond.skr')));
  // Finished, the older one is over the limit and goes; the live one stays.
  await first.finish();
  await store.settled();
  assert.not.ok(existsSync(join(dir, 'mfirst.skr')));
  assert.ok(existsSync(join(dir, 'msecond.skr')));
  await second.finish();
});

Store('files of an earlier run are listed from their sidecars, or from the file alone', async ({ dir }) => {
  writeFileSync(join(dir, 'mprev.skr'), bytes(20));
  writeFileSync(join(dir, 'mprev.json'), JSON.stringify({ id: 'mprev', type: 'arena', startedAt: 1000, ticks: 60, durationS: 2 }));
  writeFileSync(join(dir, 'mbare.skr'), bytes(4));
  writeFileSync(join(dir, 'mbare.json'), '{not json');
  writeFileSync(join(dir, 'notes.txt'), 'not a recording');
  writeFileSync(join(dir, 'bad name!.skr'), bytes(1));
  const store = createRecordingStore({ dir }, quiet);
  const list = await store.list();
  assert.equal(list.map((e) => e.id), ['mbare', 'mprev']);
  assert.equal(list[1], { id: 'mprev', type: 'arena', startedAt: 1000, ticks: 60, durationS: 2, bytes: 20, live: false });
  assert.is(list[0]!.type, undefined);
  assert.is(await store.find('../mprev'), undefined);
  assert.is(await store.find('missing'), undefined);
});

Store('writes backed up beyond maxPendingBytes stop that recording instead of growing without bound', async ({ dir }) => {
  const store = createRecordingStore({ dir, maxPendingBytes: 1000 }, quiet);
  const file = store.open('mbig', 'classic');
  // All in one go: the stream cannot have drained any of it yet.
  for (let i = 0; i < 20; i++) file.write(bytes(200));
  assert.is(file.ok, false);
  assert.ok(file.bytes <= 1200, `wrote ${file.bytes}`);
  await file.finish();
});

Store('bad limits are programmer errors', ({ dir }) => {
  assert.throws(() => createRecordingStore({ dir, maxFiles: 0 }, quiet), /Skirmish: recording maxFiles/);
  assert.throws(() => createRecordingStore({ dir, maxBytes: -1 }, quiet), /Skirmish: recording maxBytes/);
});

Store('RECORD=0 turns recording off; RECORD_DIR names the folder', () => {
  assert.is(recordingFromEnv({ RECORD: '0' }), false);
  assert.equal(recordingFromEnv({ RECORD_DIR: '/tmp/x' }), { dir: '/tmp/x' });
  assert.equal(recordingFromEnv({}), {});
});

Store.run();
