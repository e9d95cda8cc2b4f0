// Tests may import anything; nothing may import tests/ (a bench or the game would then depend on
// test code, and test helpers could not change freely).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TESTS = join(ROOT, 'tests');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

const Imports = suite('bench: imports');

Imports('no file outside tests/ imports from tests/', () => {
  const offenders: string[] = [];
  for (const dir of ['engine', 'net', 'render', 'game', 'bench']) {
    for (const file of sourceFiles(join(ROOT, dir))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*['"](\.[^'"]*)['"]/g)) {
        const target = resolve(dirname(file), m[1]!);
        if (!relative(TESTS, target).startsWith('..')) offenders.push(`${relative(ROOT, file)} imports ${m[1]}`);
      }
    }
  }
  assert.equal(offenders, []);
});

Imports.run();
