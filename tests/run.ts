// Runs every tests/**/*.test.ts in one uvu process (uvu's own runner, loaded through tsx).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];

function collect(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = collect(root).filter((f) => !filter || relative(root, f).includes(filter));
if (files.length === 0) {
  console.error(`no test file matches ${filter}`);
  process.exit(1);
}
// Servers record every match by default: the tests' servers (and the processes they start) record
// into a folder of this run, removed at the end, never into the repository's recordings/.
const recordDir = process.env.RECORD_DIR === undefined ? mkdtempSync(join(tmpdir(), 'skirmish-test-recordings-')) : undefined;
if (recordDir !== undefined) process.env.RECORD_DIR = recordDir;
// uvu counts a suite whose hook throws as neither passed nor failed, prints no error and exits 0
// (its runner's `finally` swallows the throw). Read its closing counts and fail when tests went
// missing that way, so a broken before/after hook can never pass CI silently.
const counts = { total: 0, passed: 0, skipped: 0 };
const writeOut = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const text = (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()).replace(/\x1b\[[0-9;]*m/g, '');
  for (const [, key, n] of text.matchAll(/^\s*(Total|Passed|Skipped):\s+(\d+)/gm)) counts[key!.toLowerCase() as keyof typeof counts] = Number(n);
  return writeOut(chunk, ...rest);
}) as typeof process.stdout.write;
const { run } = (await import('uvu/run')) as { run: (suites: { name: string; file: string }[], opts: { bail?: boolean }) => Promise<void> };
await run(files.map((file) => ({ name: relative(root, file), file })), {});

process.stdout.write = writeOut;
const failed = counts.total - counts.passed - counts.skipped;
if (failed > 0) {
  process.exitCode = 1;
  console.error(`\n${failed} test(s) did not pass: a failing test, or a suite hook (before/after) that threw; run the suite alone to see it`);
}
console.log(`${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped`);
if (recordDir !== undefined) rmSync(recordDir, { recursive: true, force: true });

// Everything a test opens it must close; say so loudly if something was left, then exit anyway
// so one leak cannot hang CI.
const left = process.getActiveResourcesInfo().filter((r) => !['TTYWrap', 'PipeWrap', 'Timeout'].includes(r));
if (left.length > 0) console.error(`warning: resources still open after the tests: ${left.join(', ')}`);
setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
