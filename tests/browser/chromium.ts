// Shared helpers for browser tests: launch headless Chromium, bundle and serve a page entry,
// and read back the pixels of what the page shows.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { suite, type Test } from 'uvu';
import * as assert from 'uvu/assert';

/** Where the tests expect Chromium (Debian's `apt-get install -y chromium`); `$CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags that give headless Chromium software WebGL (SwiftShader) and keep it quiet and offline. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** True when Chromium is installed where the browser tests look for it. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches headless Chromium (playwright's default headless mode is Chromium's new headless). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Defines and runs a uvu suite that needs Chromium. Without Chromium it prints a loud warning and
 * records one skipped test, unless `CI=true`, where a missing browser is a failure.
 */
export function browserSuite<T>(name: string, define: (test: Test<T>) => void, context?: T): void {
  const test = suite<T>(name, context);
  if (hasChromium()) {
    define(test);
  } else if (process.env.CI === 'true') {
    test('Chromium is installed', () => {
      throw new Error(`${CHROMIUM_PATH} not found (apt-get install -y chromium); browser tests cannot be skipped on CI`);
    });
  } else {
    process.stderr.write(`\n!!! SKIPPED browser tests (${name}): ${CHROMIUM_PATH} not found (apt-get install -y chromium) !!!\n\n`);
    test.skip(`${name}: every test (no Chromium)`, () => {});
  }
  test.run();
}

/** A directory holding a bundled page: `index.html` loading `main.js`. */
export interface BundledPage {
  readonly dir: string;
  /** Deletes the directory. */
  cleanup(): Promise<void>;
}

/** Bundles the TypeScript `entry` for the browser (esbuild, ESM) into a fresh temp directory. */
export async function bundlePage(entry: string, title = 'test page'): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'skirmish-page-'));
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'main.js'),
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
<style>html,body{margin:0;padding:0;background:#000;overflow:hidden}</style></head>
<body><script type="module" src="./main.js"></script></body></html>`;
  await writeFile(join(dir, 'index.html'), html);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A static file server; `url` ends with a slash. */
export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serves the files of `dir` over node:http on 127.0.0.1, on a free port. */
export async function serveDir(dir: string): Promise<StaticServer> {
  const root = normalize(dir + sep);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bundles `entry` and serves it; `close()` stops the server and deletes the bundle. */
export async function servePage(entry: string, title?: string): Promise<StaticServer> {
  const page = await bundlePage(entry, title);
  const server = await serveDir(page.dir);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await page.cleanup();
    },
  };
}

/** RGBA pixels of an image, row-major from the top-left. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** `[r, g, b, a]` of the pixel at (x, y), coordinates rounded down. */
  at(x: number, y: number): [number, number, number, number];
}

/**
 * Decodes PNG bytes into pixels. Decoding happens in `page` (createImageBitmap + a 2D canvas), so
 * no PNG library is needed in Node; colour-space conversion is off so values are the PNG's own.
 */
export async function decodePng(page: Page, png: Uint8Array): Promise<Pixels> {
  const { width, height, rgba } = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: btoa(binary) };
  }, Buffer.from(png).toString('base64'));
  const data = new Uint8Array(Buffer.from(rgba, 'base64'));
  return {
    width,
    height,
    data,
    at(x, y) {
      const i = (Math.floor(y) * width + Math.floor(x)) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
    },
  };
}

/** Takes a screenshot of the page's viewport (optionally saving it to `path`) and decodes it. */
export async function screenshotPixels(page: Page, path?: string): Promise<Pixels> {
  const png = await page.screenshot({ type: 'png', ...(path ? { path } : {}) });
  return decodePng(page, png);
}

/** True when `rgb` is within `tolerance` of the CSS hex colour on every channel. */
export function colorNear(rgb: readonly number[], hex: number, tolerance = 24): boolean {
  const want = [(hex >> 16) & 255, (hex >> 8) & 255, hex & 255];
  return want.every((v, i) => Math.abs(v - rgb[i]!) <= tolerance);
}

/** `#rrggbb` of a pixel, for assertion messages. */
export function hexOf(rgb: readonly number[]): string {
  return '#' + rgb.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs `close` (the test's pages, clients, server), then fails on the console errors the pages
 * logged while the test ran. Not on those logged while closing: a page torn down with a send in
 * flight logs "WebSocket is already in CLOSING or CLOSED state", which says nothing of the test.
 * uvu swallows a throwing hook without a word, so the errors are printed before the assertion.
 */
export async function closeThenCheckErrors(suite: string, errors: string[], close: () => Promise<void>): Promise<void> {
  // Taken out, not copied: uvu runs the after.each hooks again when one throws, and a second
  // throw would abort the suite before it reports the test that failed.
  const duringTest = errors.splice(0);
  await close();
  if (duringTest.length > 0) console.error(`${suite}: the page logged errors: ${JSON.stringify(duringTest)}`);
  assert.equal(duringTest, [], 'no console errors');
}

// Chromium's remark when a page's send races a close the server started (engine.io sees the close
// a moment later and reconnects, as a dropped connection should): not an error of the page.
const BROWSER_REMARKS = [/^WebSocket is already in CLOSING or CLOSED state\.$/];

/** Records console errors and uncaught exceptions of `page` into `errors`. */
export function recordErrors(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() !== 'error' || BROWSER_REMARKS.some((r) => r.test(m.text()))) return;
    // Chromium's "Failed to load resource" does not say which: its location does.
    const where = m.text().startsWith('Failed to load resource') ? ` (${m.location().url})` : '';
    errors.push(`console: ${m.text()}${where}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // A server error's body says which refusal it was (the console only has the status).
  page.on('response', (r) => {
    if (r.status() >= 500) void r.text().then((body) => errors.push(`response: ${r.status()} ${r.url()} ${body.slice(0, 300)}`), () => undefined);
  });
}
