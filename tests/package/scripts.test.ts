// tsx is for tests and development: what a user runs (`npm start`, the cluster, the bots, the replay
// verifier) runs the compiled lib/, building it first when a source is newer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> };
const Scripts = suite('npm scripts');

Scripts('start, cluster, worker, bots and replay build lib/ if needed and run a file of it under plain node', () => {
  const tsConfig = JSON.parse(readFileSync(`${root}tsconfig.build.json`, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] };
  for (const name of ['start', 'cluster', 'worker', 'bots', 'replay']) {
    const script = scripts[name] ?? '';
    assert.not.match(script, /tsx/, `npm run ${name}: ${script}`);
    const m = /^node build\.mjs --if-needed && node lib\/(\S+)\.js(?: |$)/.exec(script);
    assert.ok(m, `npm run ${name} builds, then runs lib/: ${script}`);
    // The source it is compiled from is one tsconfig.build.json emits.
    const source = `${m![1]}.ts`;
    assert.ok(readFileSync(`${root}${source}`, 'utf8').length > 0);
    assert.ok(tsConfig.include.some((dir) => source === dir || source.startsWith(`${dir}/`)), `${source} is in tsconfig.build.json's include`);
  }
});

Scripts.run();
