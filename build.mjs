// Builds the browser pages into dist/ and then the package's lib/ (build-lib.mjs). dist/: the game
// (game/browser.ts) bundled by esbuild (ESM, minified, code split so touch-only code loads only on
// touch screens), then the other pages (PAGES: the replay viewer and the list of replays) in a
// build of their own, content-hashed names, each page's HTML rewritten to them, every text file
// precompressed (brotli and gzip) for net/server/static.ts to serve.
//
// The first load is what players wait for, so the build enforces a budget: the script the game loads
// before its first frame must stay within TARGET (minified and brotli), or the build exits non-zero.
// It also fails when server-only code (zod, pino, Node built-ins, net/server) reaches the bundle.
//
// `node build.mjs --if-needed` skips the build when dist/ is newer than every source file;
// `--analyze` lists what the bundle is made of.
// Sizes are in kB of 1000 bytes.
import { analyzeMetafile, build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('.', import.meta.url));
const out = join(root, 'dist');
const sources = ['engine', 'net', 'render', 'game'].map((d) => join(root, d));
const MANIFEST = 'build.json';

/** Bytes allowed for the script loaded before the first frame (entry, its imports, FIRST_FRAME_IMPORTS). */
const TARGET = { min: 450_000, brotli: 130_000 };
// `--budget=MIN,BROTLI` (bytes) sets a tighter one: how a test proves the build fails over budget.
const budgetArg = process.argv.find((a) => a.startsWith('--budget='));
if (budgetArg !== undefined) {
  const [min, brotli] = budgetArg.slice('--budget='.length).split(',').map(Number);
  TARGET.min = Math.min(TARGET.min, min || TARGET.min);
  TARGET.brotli = Math.min(TARGET.brotli, brotli || TARGET.brotli);
}

/** Inputs that must never reach the page: validation and server code, Node built-ins. */
const FORBIDDEN = [
  /node_modules\/zod\//, /node_modules\/pino/, /node_modules\/prom-client\//, /node_modules\/socket\.io\//,
  /node_modules\/engine\.io\//, /node_modules\/ws\//, /(^|\/)net\/server\//, /^node:/, /validate\.ts$/,
];

/**
 * Modules the page imports dynamically yet needs for its first frame: three.js comes in its own
 * file, fetched while the socket connects. They count toward the budget; other dynamic imports
 * (touch controls, net graph) load on demand and do not.
 */
const FIRST_FRAME_IMPORTS = ['render/index.ts'];

/**
 * Pages besides the game, bundled in a second esbuild run: sharing chunks with the game would split
 * its files further and add import glue to them (11 KB measured), so the game's bytes stay exactly
 * what its own build makes. `script` is the placeholder `<script src>` of the HTML, rewritten.
 */
const PAGES = [
  { name: 'replay', entry: 'game/replay-page.ts', html: 'game/replay.html', script: 'replay-page.js' },
  { name: 'replays', entry: 'game/replays-page.ts', html: 'game/replays.html', script: 'replays-page.js' },
];

/** File types precompressed; source maps are left alone (only devtools fetch them). */
const COMPRESSED = /\.(html|css|js|json|svg|txt)$/;

// ---------------------------------------------------------------------------------------------
// Three.js: render/ imports it per module (three/src/...), which already drops unused classes. The
// WebGLRenderer still references every feature it supports; these are the ones render/ never uses,
// replaced at build time. Using one of them in the client fails loudly, naming this file.

/** ShaderLib programs kept: render/ draws with MeshBasicMaterial and LineBasicMaterial only ('basic'). */
const KEEP_SHADERS = ['meshbasic'];

// The real path: esbuild resolves symlinks, so a linked node_modules (a git worktree's) would
// otherwise match no stub and leave the whole of three in the bundle.
const threeSrc = realpathSync(join(root, 'node_modules/three/src'));
const shaders = join(threeSrc, 'renderers/shaders');
const unused = (what) => `throw new Error("Skirmish client build: three.js ${what} is left out of the bundle (see build.mjs)")`;

/** Modules of three/src replaced by stand-ins that keep the renderer's calls working when the feature is off. */
const THREE_STUBS = {
  'renderers/webxr/WebXRManager.js': `
    import { EventDispatcher } from '../../core/EventDispatcher.js';
    export class WebXRManager extends EventDispatcher {
      constructor() { super(); this.enabled = false; this.isPresenting = false; this.cameraAutoUpdate = true; }
      getEnvironmentBlendMode() { return undefined; }
      hasDepthSensing() { return false; }
      getDepthSensingMesh() { return null; }
      getSession() { return null; }
      setAnimationLoop() {}
      dispose() {}
      setSession() { ${unused('WebXR')} }
      getCamera() { ${unused('WebXR')} }
      updateCamera() { ${unused('WebXR')} }
    }`,
  'extras/PMREMGenerator.js': `export class PMREMGenerator { constructor() { ${unused('PMREMGenerator (environment maps)')} } }`,
  'renderers/webgl/WebGLShadowMap.js': `
    export function WebGLShadowMap() {
      this.enabled = false; this.autoUpdate = true; this.needsUpdate = false; this.type = 1;
      this.render = function (lights) { if (this.enabled && lights.length > 0) ${unused('shadow maps')}; };
    }`,
  // Every material carrying envmap uniforms gets the LUT assigned; only physical shaders read it.
  'renderers/shaders/DFGLUTData.js': 'export function getDFGLUT() { return null; }',
  'renderers/webgl/WebGLEnvironments.js': `
    export function WebGLEnvironments() {
      return { get(texture) { if (texture === null || texture === undefined) return null; ${unused('environment and cube maps')}; }, dispose() {} };
    }`,
  'renderers/webgl/WebGLUniformsGroups.js': `
    export function WebGLUniformsGroups() {
      return { bind() { ${unused('uniform buffer objects')} }, update() { ${unused('uniform buffer objects')} }, dispose() {} };
    }`,
  'renderers/webgl/WebGLMorphtargets.js': `export function WebGLMorphtargets() { return { update() { ${unused('morph targets')} } }; }`,
  // render/ draws flat colours only: no texture, no render target. Texture units are still counted
  // (every program resets them); anything that would upload a texture fails loudly.
  'renderers/webgl/WebGLTextures.js': `
    export function WebGLTextures() {
      let units = 0;
      this.allocateTextureUnit = () => units++;
      this.resetTextureUnits = () => { units = 0; };
      this.getTextureUnits = () => units;
      this.setTextureUnits = (value) => { units = value; };
      for (const name of ['setTexture2D', 'setTexture2DArray', 'setTexture3D', 'setTextureCube', 'rebindTextures',
        'setupRenderTarget', 'updateRenderTargetMipmap', 'updateMultisampleRenderTarget', 'setupDepthRenderbuffer',
        'setupFrameBufferTexture', 'useMultisampledRTT']) this[name] = () => { ${unused('textures and render targets')}; };
      this.dispose = () => {};
    }`,
  'renderers/webgl/WebGLOutput.js': `export function WebGLOutput() { ${unused('outputBufferType (HDR output)')} }`,
};

const includesOf = (text) => [...text.matchAll(/#include\s+<(\w+)>/g)].map((m) => m[1]);

/** Shader chunks reachable from KEEP_SHADERS, plus those the WebGL backend pastes in by name. */
function keptChunks() {
  const needed = new Set();
  const queue = [];
  for (const name of KEEP_SHADERS) queue.push(...includesOf(readFileSync(join(shaders, 'ShaderLib', `${name}.glsl.js`), 'utf8')));
  for (const file of readdirSync(join(threeSrc, 'renderers/webgl'))) {
    const text = readFileSync(join(threeSrc, 'renderers/webgl', file), 'utf8');
    for (const m of text.matchAll(/ShaderChunk\[\s*'(\w+)'\s*\]|ShaderChunk\.(\w+)/g)) queue.push(m[1] ?? m[2]);
  }
  while (queue.length > 0) {
    const name = queue.pop();
    if (needed.has(name)) continue;
    const file = join(shaders, 'ShaderChunk', `${name}.glsl.js`);
    if (!existsSync(file)) continue; // a ShaderLib alias (meshbasic_vert): kept through KEEP_SHADERS
    needed.add(name);
    queue.push(...includesOf(readFileSync(file, 'utf8')));
  }
  return needed;
}

// Comments, indentation and spaces around punctuation. Every line stays a line and preprocessor
// lines keep their spaces (`#define F (x)` is not `#define F(x)`); `a - -b` keeps its space.
const PUNCTUATION = /[=+\-*/<>!,;(){}[\]?:&|^%.]/;
function squeeze(line) {
  if (line.startsWith('#')) return line;
  return line.replace(/\s+/g, ' ').replace(/ /g, (space, i, s) => {
    const a = s[i - 1] ?? '';
    const b = s[i + 1] ?? '';
    if ('+-'.includes(a) && '+-'.includes(b)) return space;
    return PUNCTUATION.test(a) || PUNCTUATION.test(b) ? '' : space;
  });
}
const minifyGlsl = (glsl) =>
  glsl.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').split('\n').map((l) => squeeze(l.trim())).filter(Boolean).join('\n');

/** esbuild plugin: prunes three's shader library to the kept programs and swaps in THREE_STUBS. */
function trimThree() {
  const chunks = keptChunks();
  return {
    name: 'trim-three',
    setup(b) {
      b.onLoad({ filter: /[\\/]three[\\/]src[\\/].*\.js$/ }, (args) => {
        const rel = relative(threeSrc, args.path).split('\\').join('/');
        if (THREE_STUBS[rel] !== undefined) return { contents: THREE_STUBS[rel], loader: 'js', resolveDir: dirname(args.path) };
        if (rel === 'renderers/shaders/ShaderChunk.js') return { contents: pruneShaderChunk(readFileSync(args.path, 'utf8'), chunks), loader: 'js' };
        if (/^renderers\/shaders\/Shader(Chunk|Lib)\/\w+\.glsl\.js$/.test(rel)) {
          const text = readFileSync(args.path, 'utf8');
          return { contents: text.replace(/\/\* glsl \*\/`([^`]*)`/g, (_, glsl) => '`\n' + minifyGlsl(glsl) + '\n`'), loader: 'js' };
        }
        return undefined;
      });
    },
  };
}

// Drops the imports and entries of unused chunks: three then reports a missing one by name
// ("Can not resolve #include <...>") if a material ever needs it.
function pruneShaderChunk(text, chunks) {
  const libs = new Set(KEEP_SHADERS);
  const keptModule = (path) => {
    const m = /\.\/Shader(Chunk|Lib)\/(\w+)\.glsl\.js/.exec(path);
    return m !== null && (m[1] === 'Chunk' ? chunks.has(m[2]) : libs.has(m[2]));
  };
  const dropped = new Set();
  const lines = text.split('\n').filter((line) => {
    const imp = /^import (?:\* as )?(\w+) from '([^']+)';/.exec(line);
    if (imp === null) return true;
    if (keptModule(imp[2])) return true;
    dropped.add(imp[1]);
    return false;
  });
  const result = lines.filter((line) => {
    const entry = /^\s*\w+: (\w+)(?:\.\w+)?,?\s*$/.exec(line);
    return entry === null || !dropped.has(entry[1]);
  }).join('\n');
  for (const name of chunks) {
    if (!new RegExp(`\\b${name}: ${name}\\b`).test(result)) throw new Error(`build: three's ShaderChunk.js no longer lists ${name}; update trimThree in build.mjs`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function upToDate() {
  const manifest = join(out, MANIFEST);
  if (!existsSync(manifest) || !existsSync(join(out, 'index.html'))) return false;
  const inputs = Math.max(...sources.map(newest), newest(join(root, 'package.json')), newest(fileURLToPath(import.meta.url)));
  return statSync(manifest).mtimeMs >= inputs;
}

const hashOf = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

function brotli(bytes) {
  return brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
}

/** The options both esbuild runs share. */
const bundleOptions = () => ({
  outdir: out,
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  metafile: true,
  logLevel: 'warning',
  plugins: [trimThree()],
});

/** What a build's entry loads before it runs: the entry and everything it imports statically. */
function staticImports(outputs, entryKey) {
  const files = [];
  const visit = (key) => {
    if (files.includes(key)) return;
    files.push(key);
    for (const imp of outputs[key].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(entryKey);
  return files;
}

/**
 * Builds PAGES into dist/ with their stylesheets (style.css's hashed name is `cssName`); returns
 * each page's HTML name and the scripts it loads, and the server-only inputs found in them.
 */
async function buildPages(cssName) {
  const result = await build({ ...bundleOptions(), entryPoints: Object.fromEntries(PAGES.map((p) => [p.name, join(root, p.entry)])) });
  const outputs = result.metafile.outputs;
  const forbidden = [];
  for (const output of Object.values(outputs)) {
    for (const input of Object.keys(output.inputs)) if (FORBIDDEN.some((re) => re.test(input))) forbidden.push(input);
  }
  const replayCss = Buffer.from((await transform(readFileSync(join(root, 'game/replay.css'), 'utf8'), { loader: 'css', minify: true })).code);
  const replayCssName = `replay-${hashOf(replayCss)}.css`;
  writeFileSync(join(out, replayCssName), replayCss);
  const pages = [];
  for (const page of PAGES) {
    const key = Object.keys(outputs).find((k) => outputs[k].entryPoint === page.entry && k.endsWith('.js'));
    const files = staticImports(outputs, key).map((k) => basename(k));
    let html = readFileSync(join(root, page.html), 'utf8');
    for (const [from, to] of [['href="style.css"', `href="${cssName}"`], ['href="replay.css"', `href="${replayCssName}"`], [
      `<script type="module" src="${page.script}"></script>`,
      [...files.slice(1).map((f) => `<link rel="modulepreload" href="${f}">`), `<script type="module" src="${files[0]}"></script>`].join('\n  '),
    ]]) {
      if (!html.includes(from)) throw new Error(`build: ${page.html} must reference ${from}`);
      html = html.replace(from, to);
    }
    const name = basename(page.html);
    writeFileSync(join(out, name), html);
    pages.push({ name, files });
  }
  return { pages, forbidden };
}

async function run() {
  const started = performance.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const result = await build({ ...bundleOptions(), entryPoints: { client: join(root, 'game/browser.ts') } });
  const outputs = result.metafile.outputs;
  if (process.argv.includes('--analyze')) console.error(await analyzeMetafile(result.metafile, { verbose: false }));
  const forbidden = new Set();
  for (const output of Object.values(outputs)) {
    for (const input of Object.keys(output.inputs)) if (FORBIDDEN.some((re) => re.test(input))) forbidden.add(input);
  }
  const entryKey = Object.keys(outputs).find((k) => outputs[k].entryPoint !== undefined && k.endsWith('.js'));
  // What the page must load before it can run: the entry and everything it imports statically.
  const initial = [];
  const visit = (key) => {
    if (initial.includes(key)) return;
    initial.push(key);
    for (const imp of outputs[key].imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(entryKey);
  for (const [key, output] of Object.entries(outputs)) {
    if (output.entryPoint !== undefined && FIRST_FRAME_IMPORTS.includes(output.entryPoint) && key.endsWith('.js')) visit(key);
  }
  // Preloaded from the page's head, so every file needed for the first frame downloads at once.
  const preloaded = initial.slice(1);
  const lazy = Object.keys(outputs).filter((k) => k.endsWith('.js') && !initial.includes(k));

  const fileOf = (key) => basename(key);
  const script = fileOf(entryKey);
  const css = Buffer.from((await transform(readFileSync(join(root, 'game/style.css'), 'utf8'), { loader: 'css', minify: true })).code);
  const cssName = `style-${hashOf(css)}.css`;
  writeFileSync(join(out, cssName), css);
  let html = readFileSync(join(root, 'game/index.html'), 'utf8');
  const replace = (from, to) => {
    if (!html.includes(from)) throw new Error(`build: game/index.html must reference ${from}`);
    html = html.replace(from, to);
  };
  replace('href="style.css"', `href="${cssName}"`);
  replace('<script type="module" src="browser.js"></script>', [
    ...preloaded.map((k) => `<link rel="modulepreload" href="${fileOf(k)}">`),
    `<script type="module" src="${script}"></script>`,
  ].join('\n  '));
  writeFileSync(join(out, 'index.html'), html);
  const other = await buildPages(cssName);
  for (const input of other.forbidden) forbidden.add(input);

  let min = 0;
  let br = 0;
  const sizes = {};
  for (const name of readdirSync(out)) {
    if (!COMPRESSED.test(name)) continue;
    const bytes = readFileSync(join(out, name));
    const b = brotli(bytes);
    writeFileSync(join(out, `${name}.br`), b);
    writeFileSync(join(out, `${name}.gz`), gzipSync(bytes, { level: 9 }));
    sizes[name] = { bytes: bytes.length, brotli: b.length };
    if (initial.some((k) => fileOf(k) === name)) {
      min += bytes.length;
      br += b.length;
    }
  }
  const manifest = {
    script, css: cssName, initial: initial.map(fileOf), lazy: lazy.map(fileOf),
    pages: Object.fromEntries(other.pages.map((p) => [p.name, p.files])),
    bytes: { min, brotli: br }, target: TARGET, files: sizes,
  };

  const lazyText = lazy.map((k) => `${fileOf(k)} ${kb(sizes[fileOf(k)].bytes)}`).join(', ');
  console.error(`build: ${initial.map(fileOf).join(' + ')}: ${kb(min)} minified, ${kb(br)} brotli (target ${kb(TARGET.min)} / ${kb(TARGET.brotli)})`);
  if (lazy.length > 0) console.error(`build: loaded on demand: ${lazyText}`);
  const pageKb = (files, what) => kb(files.reduce((n, f) => n + sizes[f][what], 0));
  console.error(`build: other pages: ${other.pages.map((p) => `${p.name} ${pageKb(p.files, 'bytes')} (${pageKb(p.files, 'brotli')} brotli)`).join(', ')}`);
  const problems = [];
  if (forbidden.size > 0) problems.push(`server-only code in the client bundle: ${[...forbidden].join(', ')}`);
  if (min > TARGET.min) problems.push(`script is ${kb(min)} minified, over the ${kb(TARGET.min)} budget`);
  if (br > TARGET.brotli) problems.push(`script is ${kb(br)} brotli, over the ${kb(TARGET.brotli)} budget`);
  if (problems.length > 0) {
    // No index.html: the server says the client is not built, and --if-needed builds again.
    for (const f of ['index.html', 'index.html.br', 'index.html.gz']) rmSync(join(out, f), { force: true });
    for (const p of problems) console.error(`\nbuild FAILED: ${p}`);
    console.error('');
    process.exit(1);
  }
  writeFileSync(join(out, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  console.error(`build: dist/ in ${(performance.now() - started).toFixed(0)} ms`);
}

if (process.argv.includes('--if-needed') && upToDate()) {
  console.error('build: dist/ is up to date');
} else {
  await run();
}
// The package's lib/ (tsc), which `npm start` runs.
await (await import('./build-lib.mjs')).buildLib(process.argv.includes('--if-needed'));
