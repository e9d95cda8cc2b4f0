// The package as someone else gets it: `npm pack` (whose prepack builds lib/ and dist/), the
// tarball installed into a fresh project, then used from plain Node ESM and type-checked by tsc.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sleep } from '../helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules', '.bin', 'tsc');

interface Ctx {
  dir: string;
  project: string;
  installLog: string;
}

const Pack = suite<Ctx>('package');

interface Ran {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion. npm's own npm_* variables are dropped: under `npm test` they
 * name this repository as the prefix, and the npm run in the temporary project must not see them.
 */
function run(file: string, args: string[], cwd: string, timeoutMs = 60_000, extraEnv: Record<string, string> = {}): Promise<Ran> {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_'))), ...extraEnv };
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

Pack.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'skirmish-pack-'));
  await run('npm', ['pack', '--pack-destination', ctx.dir], root);
  const tarball = readdirSync(ctx.dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  ctx.project = join(ctx.dir, 'project');
  mkdirSync(ctx.project);
  writeFileSync(join(ctx.project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  // @types/node at the version this repository type-checks with: the net and game declarations use Node's types.
  const typesNode = JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')).version as string;
  const installed = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(ctx.dir, tarball), `@types/node@${typesNode}`], ctx.project, 120_000);
  ctx.installLog = installed.stdout + installed.stderr;
});

Pack.after(async (ctx) => {
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  // A child's process handle is released a moment after its exit is reported.
  await sleep(50);
});

Pack('the tarball holds lib/ (JS and .d.ts), the built client and README, not the sources', (ctx) => {
  const pkg = join(ctx.project, 'node_modules', 'skirmish');
  for (const f of ['lib/engine/index.js', 'lib/engine/index.d.ts', 'lib/engine/replay/index.js', 'lib/engine/replay/index.d.ts', 'lib/net/index.js', 'lib/render/index.d.ts', 'lib/game/main.js', 'dist/index.html', 'dist/build.json', 'README.md']) {
    assert.ok(existsSync(join(pkg, f)), `${f} is in the package`);
  }
  // The client's script names carry a content hash; the build's manifest names them.
  const manifest = JSON.parse(readFileSync(join(pkg, 'dist/build.json'), 'utf8')) as { script: string };
  assert.ok(existsSync(join(pkg, 'dist', manifest.script)), `dist/${manifest.script} (the client script) is in the package`);
  assert.ok(existsSync(join(pkg, 'dist', `${manifest.script}.br`)), 'its brotli copy too');
  for (const f of ['engine', 'tests', 'bench', 'tools', `dist/${manifest.script}.map`]) assert.not.ok(existsSync(join(pkg, f)), `${f} is not in the package`);
});

Pack('installing it warns about nothing and leaves three out (an optional peer)', (ctx) => {
  assert.not.match(ctx.installLog, /npm warn/i, ctx.installLog);
  assert.not.ok(existsSync(join(ctx.project, 'node_modules', 'three')));
});

Pack('plain Node ESM: a battle world steps, the game server serves the packaged client', async (ctx) => {
  writeFileSync(
    join(ctx.project, 'smoke.mjs'),
    `import { createBattleWorld, spawnPlayer, queueInput, step, getStore, Position } from 'skirmish';
import { createLogger } from 'skirmish/net';
import { defaultRules, startGameServer } from 'skirmish/game';

const world = createBattleWorld({ rules: defaultRules, seed: 1 });
const eid = spawnPlayer(world, { at: { x: 50, y: 50 } });
queueInput(world, eid, { move: { x: 1, y: 0 } });
for (let i = 0; i < 30; i++) step(world);
const server = await startGameServer({ port: 0, host: '127.0.0.1', logger: createLogger('silent') });
const page = await fetch(server.url + '/');
const html = await page.text();
await server.close();
console.log(JSON.stringify({ tick: world.time.tick, x: getStore(world, Position).x[eid], port: server.port, status: page.status, page: /src="client-[A-Z0-9]+\\.js"/.test(html) }));
`,
  );
  const { stdout } = await run(process.execPath, ['smoke.mjs'], ctx.project);
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  assert.is(result.tick, 30);
  assert.ok(result.x > 50, `the player walked right: x = ${result.x}`);
  assert.ok(result.port > 0);
  assert.is(result.status, 200, 'index.html served from the package dist/');
  assert.ok(result.page, 'the page loads the client bundle');
});

// Every module the importer resolves is appended to a file by a resolve hook (synchronously, from
// the hooks thread), so the list is complete when the process exits.
function writeProbe(project: string): void {
  writeFileSync(join(project, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}
`);
  writeFileSync(join(project, 'probe.mjs'), `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url, { data: { log: process.env.PROBE_LOG } });
await import(process.argv[2]);
`);
}

/**
 * What importing `specifier` in a fresh process loads: packages by node_modules folder, Node
 * built-ins as node:*, anything else by URL.
 */
async function loadedBy(project: string, specifier: string): Promise<string[]> {
  const log = join(project, `loaded-${specifier.replace(/\W/g, '_')}.txt`);
  await run(process.execPath, ['probe.mjs', specifier], project, 30_000, { PROBE_LOG: log });
  const nodeModules = pathToFileURL(join(project, 'node_modules')).href + '/';
  const modules = new Set<string>();
  for (const url of readFileSync(log, 'utf8').trim().split('\n')) {
    if (url.startsWith(nodeModules)) {
      const [first, second] = url.slice(nodeModules.length).split('/');
      modules.add(first?.startsWith('@') ? `${first}/${second}` : String(first));
    } else if (!url.endsWith('/probe.mjs')) modules.add(url);
  }
  return [...modules].sort();
}

Pack('the engine entry loads bitecs and nothing else: no xxHash32, no socket.io, no three, no Node built-ins', async (ctx) => {
  writeProbe(ctx.project);
  const engine = await loadedBy(ctx.project, 'skirmish');
  assert.equal(engine, ['bitecs', 'skirmish'], `the engine entry loaded ${engine.join(', ')}`);
  // The same probe sees what the replay and server entries pull in, so an engine that imported
  // either would fail above.
  const replay = await loadedBy(ctx.project, 'skirmish/replay');
  assert.equal(replay, ['bitecs', 'skirmish', 'xxh32', 'xxhash-wasm'], `the replay entry loaded ${replay.join(', ')}`);
  const net = await loadedBy(ctx.project, 'skirmish/net');
  assert.ok(net.includes('socket.io') && net.includes('node:http'), `the probe sees net's imports: ${net.join(', ')}`);
});

Pack('plain Node ESM: skirmish/replay records a match and plays it back to the same hashes', async (ctx) => {
  writeFileSync(
    join(ctx.project, 'replay.mjs'),
    `import { createBattleWorld, spawnPlayer, queueInput, step } from 'skirmish';
import { recordMatch, replay, verifyReplay, hashWorld } from 'skirmish/replay';
import { defaultRules } from 'skirmish/game';

const world = createBattleWorld({ rules: defaultRules, seed: 3 });
const chunks = [];
const recorder = recordMatch(world, { sink: (chunk) => chunks.push(chunk) });
const a = spawnPlayer(world, { at: { x: 40, y: 40 } });
spawnPlayer(world, { at: { x: 60, y: 40 } });
const live = [];
for (let i = 0; i < 40; i++) {
  queueInput(world, a, { move: { x: 1, y: 0 }, attack: i % 5 === 0 });
  step(world);
  live.push(hashWorld(world));
}
recorder.close();
const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
let at = 0;
for (const c of chunks) { bytes.set(c, at); at += c.length; }
const r = replay(bytes);
const replayed = [];
while (r.tick < r.lastTick) {
  r.stepOne();
  replayed.push(hashWorld(r.world));
}
console.log(JSON.stringify({ live, replayed, verify: verifyReplay(bytes).ok }));
`,
  );
  const { stdout } = await run(process.execPath, ['replay.mjs'], ctx.project);
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  assert.is(result.live.length, 40);
  assert.is(new Set(result.live).size > 1, true, 'the world changed while recorded');
  assert.equal(result.replayed, result.live, 'the replay steps through the same states');
  assert.is(result.verify, true);
});

Pack('a strict TypeScript user type-checks against the declarations (nodenext and bundler resolution)', async (ctx) => {
  writeFileSync(
    join(ctx.project, 'consumer.ts'),
    `import { createBattleWorld, spawnPlayer, queueInput, step, type BattleWorld, type InputCommand } from 'skirmish';
import { recordMatch, replay, type Recorder, type Replay } from 'skirmish/replay';
import { createServer, createLogger, type GameServer, type ServerOptions } from 'skirmish/net';
import { defaultRules, startGameServer } from 'skirmish/game';

const world: BattleWorld = createBattleWorld({ rules: defaultRules, seed: 7 });
const eid: number = spawnPlayer(world, { at: { x: 1, y: 2 } });
const command: InputCommand = { move: { x: 1, y: 0 }, attack: true };
export const queued: boolean = queueInput(world, eid, command);
const chunks: Uint8Array[] = [];
const recorder: Recorder = recordMatch(world, { sink: (chunk) => chunks.push(chunk) });
step(world);
recorder.close();
export function playBack(file: Uint8Array): Replay {
  return replay(file);
}

const options: ServerOptions = { rules: defaultRules, port: 0, host: '127.0.0.1', tickRate: 20, logger: createLogger('silent') };
export async function serve(): Promise<GameServer[]> {
  return [await createServer(options), await startGameServer({ port: 0 })];
}

// The declarations are real types, not any: each of these must be an error.
// @ts-expect-error port is a number
void createServer({ port: 'any' });
// @ts-expect-error move is a vector
queueInput(world, eid, { move: 'left' });
// @ts-expect-error tickRate is a number
void startGameServer({ tickRate: 'fast' });
// @ts-expect-error a replay is bytes
void replay('match.skr');
`,
  );
  const base = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022'], types: ['node'], skipLibCheck: false };
  const configs = {
    'tsconfig.nodenext.json': { ...base, module: 'NodeNext', moduleResolution: 'NodeNext' },
    'tsconfig.bundler.json': { ...base, module: 'ESNext', moduleResolution: 'Bundler' },
  };
  for (const [name, compilerOptions] of Object.entries(configs)) {
    writeFileSync(join(ctx.project, name), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
    await run(tsc, ['-p', name], ctx.project).catch((error: Error) => assert.unreachable(`${name}: ${error.message}`));
  }
});

Pack.run();
