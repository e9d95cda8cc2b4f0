// The first load: the bundle's budget and contents, compressed and cached responses from the
// game server, and the time to the first frame on a throttled link in Chromium.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import * as assert from 'uvu/assert';
import { measureFirstLoad, SLOW_LINK } from '../../game/first-load';
import { browserSuite, launchChromium } from './chromium';
import { root, type PlayCtx, playHooks } from './play-helpers';

const dist = join(root, 'dist');

interface Manifest {
  script: string;
  initial: string[];
  lazy: string[];
  bytes: { min: number; brotli: number };
  target: { min: number; brotli: number };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

browserSuite<PlayCtx & { manifest: Manifest; buildLog: string }>('first load', (test) => {
  test.before(async (ctx) => {
    // A full build: its own checks (budget, no server code) run, and its report is read here.
    const build = spawnSync(process.execPath, ['build.mjs'], { cwd: root, encoding: 'utf8' });
    ctx.buildLog = build.stderr;
    assert.is(build.status, 0, `build failed:\n${build.stderr}`);
    ctx.manifest = JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8'));
    ctx.browser = await launchChromium();
  });
  playHooks(test, {}, false);

  test('the script is within budget (450 KB minified, 130 KB brotli) and carries no server code', async ({ manifest, buildLog }) => {
    assert.ok(manifest.bytes.min <= 450_000, `${manifest.bytes.min} bytes minified`);
    assert.ok(manifest.bytes.brotli <= 130_000, `${manifest.bytes.brotli} bytes brotli`);
    assert.match(buildLog, /KB minified, .* KB brotli/, 'the build prints both sizes');
    const code = manifest.initial.map((f) => readFileSync(join(dist, f), 'utf8')).join('\n');
    for (const marker of ['ZodError', 'prom-client', 'pino', 'node:']) assert.not.ok(code.includes(marker), `no ${marker} in the client`);
    assert.ok(manifest.lazy.some((f) => f.startsWith('touch-')) && manifest.lazy.some((f) => f.startsWith('netgraph-')), 'touch and net graph load on demand');
    assert.ok(manifest.initial.some((f) => f.startsWith('render-')), 'three.js (its own file) counts toward the budget');
    // The page references the hashed script.
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    assert.ok(html.includes(`src="${manifest.script}"`), 'index.html loads the hashed script');
    assert.match(manifest.script, /^client-[A-Z0-9]{8}\.js$/);
  });

  test('the build fails loudly over budget', () => {
    const run = spawnSync(process.execPath, ['build.mjs', '--budget=1000,130000'], { cwd: root, encoding: 'utf8' });
    assert.is.not(run.status, 0, 'non-zero exit');
    assert.match(run.stderr, /build FAILED: script is .* over the 1\.0 KB budget/);
    // Put a good build back for the rest of the tests.
    execFileSync(process.execPath, ['build.mjs'], { cwd: root, stdio: 'pipe' });
  });

  test('responses: brotli or gzip by Accept-Encoding, hashed script immutable, index.html revalidated (304)', async ({ server, manifest }) => {
    const base = server.url;
    const original = readFileSync(join(dist, manifest.script));
    const br = await get(`${base}/${manifest.script}`, { 'accept-encoding': 'gzip, deflate, br' });
    assert.is(br.status, 200);
    assert.is(br.headers['content-encoding'], 'br');
    assert.is(br.headers.vary, 'Accept-Encoding');
    assert.is(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(br.body.length < original.length / 3, `brotli ${br.body.length} of ${original.length}`);
    assert.ok(brotliDecompressSync(br.body).equals(original), 'brotli body is the script');
    const gz = await get(`${base}/${manifest.script}`, { 'accept-encoding': 'gzip' });
    assert.is(gz.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gz.body).equals(original), 'gzip body is the script');
    const plain = await get(`${base}/${manifest.script}`);
    assert.is(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.equals(original));
    assert.is(Number(plain.headers['content-length']), original.length);

    const page = await get(`${base}/`, { 'accept-encoding': 'br' });
    assert.is(page.headers['content-encoding'], 'br');
    assert.is(page.headers['cache-control'], 'no-cache');
    const etag = page.headers.etag as string;
    assert.match(etag, /^"[\w-]+"$/);
    const again = await get(`${base}/`, { 'accept-encoding': 'br', 'if-none-match': etag });
    assert.is(again.status, 304);
    assert.is(again.body.length, 0);
    assert.is(again.headers.etag, etag);
    const changed = await get(`${base}/`, { 'accept-encoding': 'br', 'if-none-match': '"something-else"' });
    assert.is(changed.status, 200);
    // The stylesheet is content-hashed too.
    const css = /href="(style-\w+\.css)"/.exec(brotliDecompressSync(page.body).toString())![1]!;
    assert.is((await get(`${base}/${css}`)).headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  // The 2.5 s target itself is a figure of `npm run bench` (section 6 of its report): a timed
  // assertion here failed whenever other work loaded this 2-core machine. What is checked here is
  // that the measurement the bench relies on is sound.
  test('first load on 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip: throttled, marks in order, bytes small', async (ctx) => {
    const result = await measureFirstLoad({ url: ctx.server.url, browser: ctx.browser, runs: 2 });
    for (const run of result.runs) ctx.errors.push(...run.errors);
    const detail = result.runs.map((r) => `${Math.round(r.firstFrameMs)} ms (${JSON.stringify(Object.fromEntries(Object.entries(r.marks).map(([k, v]) => [k, Math.round(v)])))})`).join('; ');
    process.stderr.write(`first load: median ${Math.round(result.medianMs)} ms: ${detail}\n`);
    assert.is(result.runs.length, 2);
    for (const run of result.runs) {
      assert.ok(run.transferredBytes < 160_000, `bytes over the wire: ${run.transferredBytes}`);
      const { scriptLoaded, script, socket, welcome, state, firstFrame } = run.marks as Record<string, number>;
      const order = [scriptLoaded!, script!, socket!, welcome!, state!, firstFrame!];
      assert.ok(order.every((t, i) => Number.isFinite(t) && (i === 0 || t >= order[i - 1]!)), `script loaded ≤ run ≤ socket ≤ welcome ≤ state ≤ first frame: ${detail}`);
      // Throttled: the bytes cannot have arrived faster than the link carries them, nor the socket
      // opened in less than a round trip after the script.
      const linkMs = (run.transferredBytes * 8) / SLOW_LINK.downKbps;
      assert.ok(firstFrame! >= linkMs + SLOW_LINK.rttMs, `first frame at ${Math.round(firstFrame!)} ms, but ${run.transferredBytes} B need ${Math.round(linkMs)} ms on the link`);
      assert.ok(socket! - script! >= SLOW_LINK.rttMs, `socket ${Math.round(socket! - script!)} ms after the script: under one ${SLOW_LINK.rttMs} ms round trip`);
    }
  });
});
