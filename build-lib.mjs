// Builds lib/, what the package ships and `npm start` runs: engine, net, render, game and the
// bots as ES modules with .d.ts (tsc, tsconfig.build.json). build.mjs calls it after dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const lib = join(root, 'lib');
// lib/ is emitted here and swapped in whole, so an interrupted or failed build never leaves a
// half-written lib/ that the up-to-date check would take for a good one, nor files of deleted sources.
const libPartial = join(root, 'lib.partial');
const buildConfig = join(root, 'tsconfig.build.json');
const sources = ['engine', 'net', 'render', 'game', 'bench/bots', 'bench/lib'].map((d) => join(root, d));

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function newerThanInputs(output, inputs) {
  return existsSync(output) && statSync(output).mtimeMs >= Math.max(...inputs.map(newest));
}

/** Emits lib/ unless `ifNeeded` and it is newer than every input. @throws when tsc fails. */
export async function buildLib(ifNeeded) {
  // main.js is what `npm start` runs; every file of lib/ is written in the same build.
  const stamp = join(lib, 'game', 'main.js');
  const inputs = [...sources, ...['package.json', 'tsconfig.json', 'tsconfig.build.json', 'build.mjs', 'build-lib.mjs'].map((f) => join(root, f))];
  if (ifNeeded && newerThanInputs(stamp, inputs)) {
    console.error('build: lib/ is up to date');
    return;
  }
  const started = performance.now();
  rmSync(libPartial, { recursive: true, force: true });
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const emitted = spawnSync(process.execPath, [tsc, '-p', buildConfig, '--outDir', libPartial], { cwd: root, stdio: 'inherit' });
  if (emitted.status !== 0) {
    rmSync(libPartial, { recursive: true, force: true });
    throw new Error(`tsc -p tsconfig.build.json failed (exit ${emitted.status ?? emitted.signal})`);
  }
  // The sources import each other without extensions (bundler resolution, as tsx and esbuild
  // allow), and tsc emits specifiers as written; plain Node ESM needs './world.js' and
  // './systems/index.js'. tsc cannot add them (rewriteRelativeImportExtensions only rewrites
  // '.ts' specifiers), so tsc-alias adds them to the emitted .js and .d.ts, picking whichever
  // file exists. Package imports are left alone.
  const { replaceTscAliasPaths } = await import('tsc-alias');
  await replaceTscAliasPaths({ configFile: buildConfig, outDir: libPartial, resolveFullPaths: true, resolvePackageSubpaths: false });
  rmSync(lib, { recursive: true, force: true });
  renameSync(libPartial, lib);
  console.error(`build: lib/ in ${(performance.now() - started).toFixed(0)} ms`);
}
