import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xxHash32 } from 'js-xxhash';
import { recordTestMatch } from './replay-match';

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'game/replay-cli.ts', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

const lastLine = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1)!);

const Cli = suite<{ dir: string }>('replay cli');
Cli.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'skirmish-replay-'));
});
Cli.after(({ dir }) => rmSync(dir, { recursive: true, force: true }));

Cli('verify FILE: a good recording exits 0 with the JSON summary last', async ({ dir }) => {
  const match = recordTestMatch({ ticks: 200 });
  const file = join(dir, 'good.skr');
  writeFileSync(file, match.bytes);
  const { code, stdout } = await run('verify', file);
  assert.is(code, 0, stdout);
  assert.match(stdout, /every tick matched/);
  assert.equal(lastLine(stdout), { ok: true, ticks: 200, players: 12 + match.joins, durationS: 200 / 30, bytes: match.bytes.length, firstMismatchTick: null });
});

Cli('verify FILE: a tampered recording exits 1 naming the tick', async ({ dir }) => {
  const match = recordTestMatch({ ticks: 200, checkpointEveryTicks: 50, flushEveryTicks: 5 });
  // The last hash of a chunk ending in a tick record without checkpoint: change it, re-checksum.
  const chunks = match.chunks.map((c) => c.slice());
  const k = 3;
  const chunk = chunks[k]!;
  const view = new DataView(chunk.buffer);
  // A chunk flushed after a tick ends with that tick's hash (no checkpoint falls on tick 17+15 = 32).
  const hashAt = chunk.length - 4;
  view.setUint32(hashAt, view.getUint32(hashAt, true) ^ 1, true);
  view.setUint32(4, xxHash32(chunk.subarray(8), 0) >>> 0, true);
  const file = join(dir, 'bad.skr');
  writeFileSync(file, Buffer.concat(chunks));
  const { code, stdout } = await run('verify', file);
  assert.is(code, 1, stdout);
  const summary = lastLine(stdout);
  assert.is(summary.ok, false);
  assert.is(summary.firstMismatchTick, 17 + 5 * (k - 1));
  assert.match(stdout, /first mismatch at tick/);
});

Cli('verify FILE: garbage and missing files fail clearly', async ({ dir }) => {
  const file = join(dir, 'garbage.skr');
  writeFileSync(file, 'not a replay at all');
  const bad = await run('verify', file);
  assert.is(bad.code, 1);
  assert.match(bad.stdout, /error: .*SKRP/);
  assert.is(lastLine(bad.stdout).ok, false);
  const missing = await run('verify', join(dir, 'nope.skr'));
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /cannot read/);
  const usage = await run('frobnicate');
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /usage: npm run replay -- verify FILE/);
});

Cli.run();
