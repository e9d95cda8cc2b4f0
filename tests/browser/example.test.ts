// King of the Hill (examples/king-of-the-hill) played in real headless Chromium: its own server in
// this process, its built page, real key presses, and assertions on what the page shows.
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { getStore, Position } from 'skirmish';
import { createClient, createLogger, type GameClient, type GameServer } from 'skirmish/net';
import { defaultStyle as S } from 'skirmish/render';
import { buildExample } from '../../examples/build';
import { hillLook } from '../../examples/king-of-the-hill/hill-view';
import { rules } from '../../examples/king-of-the-hill/rules';
import { startServer } from '../../examples/king-of-the-hill/server';
import { sleep, waitFor } from '../helpers';
import { browserSuite, closeThenCheckErrors, colorNear, recordErrors, hexOf, launchChromium, screenshotPixels, type Pixels } from './chromium';

interface Ctx {
  browser: Browser;
  server: GameServer;
  pages: Page[];
  clients: GameClient[];
  errors: string[];
}

const { hill } = rules;
type Point = { x: number; y: number };

async function openPage(ctx: Ctx): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 800, height: 600 } });
  ctx.pages.push(page);
  recordErrors(page, ctx.errors);
  await page.goto(ctx.server.url + '/');
  // The own player is drawn (and predicted) from the first frame after its first state.
  await page.waitForFunction(() => (window as any).koth?.client?.predicted !== undefined, null, { timeout: 10000 });
  return page;
}

/** Where the page draws its own player, in map units and on screen. */
const self = (page: Page): Promise<Point & { screen: Point; sid: string }> =>
  page.evaluate(() => {
    const { client, renderer } = (window as any).koth;
    const { x, y } = client.predicted;
    return { x, y, screen: renderer.toScreen(x, y), sid: client.welcome.sid };
  });

const toScreen = (page: Page, p: Point): Promise<Point> => page.evaluate(([x, y]) => (window as any).koth.renderer.toScreen(x, y), [p.x, p.y]);
const hud = async (page: Page, name: string): Promise<string> => (await page.locator(`[data-hud="${name}"]`).textContent()) ?? '';
const hudPoints = async (page: Page): Promise<number> => Number(await hud(page, 'points'));

/** Holds `key` long enough to walk `units` at the rules' speed. */
async function walk(page: Page, key: string, units: number): Promise<void> {
  if (units < 0.5) return;
  await page.keyboard.down(key);
  await sleep((units / rules.speed) * 1000);
  await page.keyboard.up(key);
}

/** Walks the page's player with the arrow keys until it stands within `near` units of the hill's centre. */
async function walkOntoHill(page: Page, near = 4): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const me = await self(page);
    const [dx, dy] = [hill.x - me.x, hill.y - me.y];
    if (Math.hypot(dx, dy) < near) return;
    await walk(page, dx > 0 ? 'ArrowRight' : 'ArrowLeft', Math.abs(dx));
    await walk(page, dy > 0 ? 'ArrowDown' : 'ArrowUp', Math.abs(dy));
    await sleep(200); // the last input reaches the server and its answer comes back
  }
  throw new Error(`could not walk onto the hill: at ${JSON.stringify(await self(page))}`);
}

/** A point on the hill, inside the disc and off the grid lines, as far as can be from `from`. */
function hillSpot(from: Point): Point {
  const d = (hill.radius * 0.6) / Math.SQRT2;
  const spots = [[d, d], [-d, d], [d, -d], [-d, -d]].map(([ox, oy]) => ({ x: hill.x + ox!, y: hill.y + oy! }));
  return spots.sort((a, b) => Math.hypot(b.x - from.x, b.y - from.y) - Math.hypot(a.x - from.x, a.y - from.y))[0]!;
}

/** `over` at `opacity` on `under`, per channel, as the canvas blends them. */
function blend(over: number, under: number, opacity: number): number {
  let out = 0;
  for (const shift of [16, 8, 0]) out |= Math.round(((over >> shift) & 255) * opacity + ((under >> shift) & 255) * (1 - opacity)) << shift;
  return out;
}

function expectColor(pixels: Pixels, at: Point, hex: number, what: string): void {
  const rgb = pixels.at(at.x, at.y);
  assert.ok(colorNear(rgb, hex, 30), `${what}: expected ~#${hex.toString(16).padStart(6, '0')} at ${Math.round(at.x)},${Math.round(at.y)}, got ${hexOf(rgb)}`);
}

/** The server's entity of the player a connection with Socket.IO id `sid` controls. */
const eidOf = (server: GameServer, sid: string): number => [...server.match.sessions.byToken.values()].find((s) => s.publicId === sid)!.eid;

function place(server: GameServer, sid: string, x: number, y: number): void {
  const eid = eidOf(server, sid);
  const pos = getStore(server.match.world, Position);
  pos.x[eid] = x;
  pos.y[eid] = y;
}

browserSuite<Ctx>('example: King of the Hill in the browser', (test) => {
  test.before(async (ctx) => {
    await buildExample('king-of-the-hill');
    ctx.browser = await launchChromium();
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
  });
  test.before.each(async (ctx) => {
    ctx.server = await startServer({ port: 0, host: '127.0.0.1', seed: 5, logger: createLogger('silent') });
    ctx.pages = [];
    ctx.clients = [];
    ctx.errors = [];
  });
  test.after.each((ctx) => closeThenCheckErrors('example in the browser', ctx.errors, async () => {
    for (const p of ctx.pages) await p.close();
    for (const c of ctx.clients) c.close();
    await ctx.server.close();
  }));

  test('walk onto the hill with the arrow keys: the HUD names you king and your points rise', async (ctx) => {
    const page = await openPage(ctx);
    assert.is(await hud(page, 'status'), 'connected');
    assert.is(await hudPoints(page), 0);
    await walkOntoHill(page);
    await page.waitForFunction(() => document.querySelector('[data-hud="king"]')?.textContent === 'you', null, { timeout: 3000 });
    const first = await hudPoints(page);
    await page.waitForFunction((n) => Number(document.querySelector('[data-hud="points"]')?.textContent) >= n + 2, first, { timeout: 5000 });
    assert.ok((await hudPoints(page)) >= first + 2, 'points rise while you hold the hill');
    // What is drawn: the hill in "yours" green under your gold body, bare floor off the hill.
    const me = await self(page);
    const pixels = await screenshotPixels(page, process.env.EXAMPLE_SHOT || undefined); // $EXAMPLE_SHOT keeps the frame
    expectColor(pixels, me.screen, S.localPlayer, 'own player');
    expectColor(pixels, await toScreen(page, hillSpot(me)), blend(hillLook.you, S.floor, hillLook.opacity), 'hill held by you');
    expectColor(pixels, await toScreen(page, { x: 25, y: 75 }), S.floor, 'floor off the hill');
  });

  test('a rival on the hill contests it (no points) until Space shoves it off', async (ctx) => {
    const page = await openPage(ctx);
    const rival = createClient({ url: ctx.server.url });
    ctx.clients.push(rival);
    await waitFor(() => rival.localEntity !== undefined, 5000, 'rival joined');
    place(ctx.server, (await self(page)).sid, hill.x, hill.y);
    place(ctx.server, rival.welcome!.sid, hill.x + 4, hill.y);
    await page.waitForFunction(() => document.querySelector('[data-hud="king"]')?.textContent === 'contested', null, { timeout: 5000 });
    await sleep(300); // past the interpolation delay and any glide, so both bodies are where they were placed
    const held = await hudPoints(page);
    const me = await self(page);
    const pixels = await screenshotPixels(page);
    expectColor(pixels, await toScreen(page, { x: hill.x - 3, y: hill.y + 3 }), blend(hillLook.contested, S.floor, hillLook.opacity), 'contested hill');
    expectColor(pixels, me.screen, S.localPlayer, 'own player');
    expectColor(pixels, await toScreen(page, { x: hill.x + 4, y: hill.y }), S.player, 'rival');
    await sleep(1200);
    assert.is(await hudPoints(page), held, 'a shared hill scores nobody');

    await page.keyboard.down('Space');
    await sleep(100);
    await page.keyboard.up('Space');
    const [pos, shoved] = [getStore(ctx.server.match.world, Position), eidOf(ctx.server, rival.welcome!.sid)];
    await waitFor(() => pos.x[shoved]! > hill.x + hill.radius, 3000, 'rival shoved off the hill');
    await page.waitForFunction(() => document.querySelector('[data-hud="king"]')?.textContent === 'you', null, { timeout: 3000 });
    await page.waitForFunction((n) => Number(document.querySelector('[data-hud="points"]')?.textContent) > n, held, { timeout: 3000 });
  });
});
