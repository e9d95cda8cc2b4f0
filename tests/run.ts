// Runs every tests/**/*.test.ts in one uvu process (uvu's own runner, loaded through tsx).
import { readdirSync, statSync } from 'node:fs';
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
const { run } = (await import('uvu/run')) as { run: (suites: { name: string; file: string }[], opts: { bail?: boolean }) => Promise<void> };
await run(files.map((file) => ({ name: relative(root, file), file })), {});

// Everything a test opens it must close; say so loudly if something was left, then exit anyway
// so one leak cannot hang CI.
const left = process.getActiveResourcesInfo().filter((r) => !['TTYWrap', 'PipeWrap', 'Timeout'].includes(r));
if (left.length > 0) console.error(`warning: resources still open after the tests: ${left.join(', ')}`);
setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
