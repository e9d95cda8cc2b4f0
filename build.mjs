// Builds what the package ships and `npm start` runs:
//   dist/  the browser client (game/browser.ts bundled by esbuild, minified, with source maps),
//          served by game's server;
//   lib/   engine, net, render and game as ES modules with .d.ts (tsc, tsconfig.build.json).
// `node build.mjs --if-needed` skips each output that is newer than every file it is built from.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = join(root, 'dist');
const lib = join(root, 'lib');
// lib/ is emitted here and swapped in whole, so an interrupted or failed build never leaves a
// half-written lib/ that the up-to-date check would take for a good one, nor files of deleted sources.
const libPartial = join(root, 'lib.partial');
const buildConfig = join(root, 'tsconfig.build.json');
const sources = ['engine', 'net', 'render', 'game', 'bench/bots', 'bench/lib'].map((d) => join(root, d));
const statics = ['index.html', 'style.css'];
const ifNeeded = process.argv.includes('--if-needed');

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

async function buildDist() {
  const bundle = join(dist, 'client.js');
  const inputs = [...sources, join(root, 'package.json')];
  if (ifNeeded && newerThanInputs(bundle, inputs) && statics.every((f) => existsSync(join(dist, f)))) {
    console.error('build: dist/ is up to date');
    return;
  }
  const started = performance.now();
  // Imported only to build, so `npm start` with both outputs up to date runs without devDependencies.
  const { build } = await import('esbuild');
  mkdirSync(dist, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'game/browser.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    metafile: true,
    logLevel: 'warning',
  });
  for (const f of statics) copyFileSync(join(root, 'game', f), join(dist, f));
  const bytes = result.metafile.outputs['dist/client.js']?.bytes ?? statSync(bundle).size;
  console.error(`build: dist/client.js ${(bytes / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(0)} ms`);
}

async function buildLib() {
  // main.js is what `npm start` runs; every file of lib/ is written in the same build.
  const stamp = join(lib, 'game', 'main.js');
  const inputs = [...sources, ...['package.json', 'tsconfig.json', 'tsconfig.build.json', 'build.mjs'].map((f) => join(root, f))];
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

await buildDist();
await buildLib();
