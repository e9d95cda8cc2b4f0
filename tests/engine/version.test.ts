import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { ENGINE_VERSION } from '../../engine';

const Version = suite('version');

Version('ENGINE_VERSION is package.json\'s version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.is(ENGINE_VERSION, pkg.version);
});

Version.run();
