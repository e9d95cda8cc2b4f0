// Bundles the browser client (game/browser.ts) into dist/, minified with source maps.
// `node build.mjs --if-needed` skips the build when dist/ is newer than every source file.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const out = join(root, 'dist');
const sources = ['engine', 'net', 'render', 'game'].map((d) => join(root, d));
const statics = ['index.html', 'style.css'];

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    t = Math.max(t, s.isDirectory() ? newest(path) : s.mtimeMs);
  }
  return t;
}

function upToDate() {
  const bundle = join(out, 'client.js');
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const inputs = Math.max(...sources.map(newest), statSync(join(root, 'package.json')).mtimeMs);
  return built >= inputs && statics.every((f) => existsSync(join(out, f)));
}

if (process.argv.includes('--if-needed') && upToDate()) {
  console.error('build: dist/ is up to date');
} else {
  const started = performance.now();
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: [join(root, 'game/browser.ts')],
    outfile: join(out, 'client.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'iife',
    target: ['es2022'],
    platform: 'browser',
    metafile: true,
    logLevel: 'warning',
  });
  for (const f of statics) copyFileSync(join(root, 'game', f), join(out, f));
  const bytes = result.metafile.outputs['dist/client.js']?.bytes ?? statSync(join(out, 'client.js')).size;
  console.error(`build: dist/client.js ${(bytes / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(0)} ms`);
}
