// `npm run docs` is the API reference's build: TypeDoc over the package's entry points, failing on any
// public export without a doc comment. Run here so an undocumented export fails `npm test` too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const Docs = suite('api reference');

Docs('every public export has a doc comment, and the reference builds', () => {
  const out = mkdtempSync(join(tmpdir(), 'skirmish-docs-'));
  try {
    const run = spawnSync(process.execPath, ['tools/typedoc/run.mjs', '--out', out], { cwd: root, encoding: 'utf8', timeout: 240_000 });
    // Colour codes off, so a failure reads plainly.
    const text = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    const undocumented = text.split('\n').filter((line) => /does not have any documentation|not included in the documentation/.test(line));
    assert.equal(undocumented, [], 'undocumented public API');
    assert.is(run.status, 0, text.slice(-2000));
    assert.ok(existsSync(join(out, 'index.html')), 'reference written');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

Docs.run();
