// render/ additions the game relies on, on the hand-built world of the render fixture (a clock the
// test sets, so every frame is exact): the hit flash, the smoothed follow camera, the minimap.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { defaultStyle as S } from '../../render';
import { within } from '../helpers';
import { browserSuite, colorNear, hexOf, launchChromium, screenshotPixels, servePage, type StaticServer } from './chromium';
import type { PageSetup, PlayerSpec } from './fixtures/render-page';

interface Ctx {
  browser: Browser;
  server: StaticServer;
  page: Page;
  errors: string[];
}

const W = 800;
const H = 600;
const MAP = { width: 100, height: 100 };
const SCALE = Math.min(W / (MAP.width + 6), H / (MAP.height + 6));
const px = (x: number, y: number): [number, number] => [W / 2 + (x - MAP.width / 2) * SCALE, H / 2 + (y - MAP.height / 2) * SCALE];
const fixture = fileURLToPath(new URL('./fixtures/render-page.ts', import.meta.url));

const setup = (page: Page, s: Partial<PageSetup> = {}): Promise<void> =>
  page.evaluate((s) => window.skirmish.setup(s), { width: W, height: H, map: MAP, ...s });
const spawn = (page: Page, spec: PlayerSpec): Promise<number> => page.evaluate((spec) => window.skirmish.spawn(spec), spec);
const update = (page: Page, eid: number, spec: PlayerSpec): Promise<void> =>
  page.evaluate(([eid, spec]) => window.skirmish.update(eid, spec), [eid, spec] as const);
const setNow = (page: Page, ms: number): Promise<void> => page.evaluate((ms) => window.skirmish.setNow(ms), ms);
const render = async (page: Page): Promise<void> => void (await page.evaluate(() => window.skirmish.render()));
const viewAt = async (page: Page, ms: number): Promise<{ cx: number; cy: number }> => {
  await setNow(page, ms);
  await render(page);
  return page.evaluate(() => window.skirmish.view());
};

function expectColor(rgb: readonly number[], hex: number, what: string, tolerance = 30): void {
  assert.ok(colorNear(rgb, hex, tolerance), `${what}: expected ~#${hex.toString(16).padStart(6, '0')}, got ${hexOf(rgb)}`);
}

browserSuite<Ctx>('render extras', (test) => {
  test.before(async (ctx) => {
    ctx.server = await within(30_000, servePage(fixture, 'render test'), 'bundle render page');
    ctx.browser = await within(30_000, launchChromium(), 'launch Chromium');
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  test.before.each(async (ctx) => {
    ctx.errors = [];
    ctx.page = await ctx.browser.newPage({ viewport: { width: W, height: H }, deviceScaleFactor: 1 });
    ctx.page.on('pageerror', (error) => ctx.errors.push(`pageerror: ${error.message}`));
    ctx.page.on('console', (m) => {
      if (m.type() === 'error') ctx.errors.push(`console: ${m.text()}`);
    });
    await ctx.page.goto(ctx.server.url);
    await ctx.page.waitForFunction(() => 'skirmish' in window);
  });
  test.after.each(async (ctx) => {
    await ctx.page.close();
    assert.equal(ctx.errors, [], 'no console errors');
  });

  test('a hit body flashes red, fading back to its colour within hitFlashMs (150 ms)', async ({ page }) => {
    await setup(page);
    const eid = await spawn(page, { x: 40, y: 40 });
    await setNow(page, 1000);
    await page.evaluate((eid) => window.skirmish.flash(eid), eid);
    await render(page);
    expectColor((await screenshotPixels(page)).at(...px(40, 40)), S.hitFlash, 'just hit');
    await setNow(page, 1075);
    await render(page);
    const half = (await screenshotPixels(page)).at(...px(40, 40));
    assert.ok(half[0]! > 120 && half[2]! > 80, `half-way between red and blue: ${hexOf(half)}`);
    await setNow(page, 1160);
    await render(page);
    expectColor((await screenshotPixels(page)).at(...px(40, 40)), S.player, 'flash over');
  });

  test('a flash the next frame comes too late for still shows once, from that frame', async ({ page }) => {
    await setup(page);
    const eid = await spawn(page, { x: 40, y: 40 });
    await setNow(page, 1000);
    await render(page);
    await page.evaluate((eid) => window.skirmish.flash(eid), eid);
    // The next frame comes 300 ms later (a phone at 3 fps): past the 150 ms flash, yet it shows it.
    await setNow(page, 1300);
    await render(page);
    expectColor((await screenshotPixels(page)).at(...px(40, 40)), S.hitFlash, 'first frame after the hit');
    await setNow(page, 1460);
    await render(page);
    expectColor((await screenshotPixels(page)).at(...px(40, 40)), S.player, 'over 150 ms after that frame');
    // A player hit while out of the frame, or dead, does not flash later.
    await page.evaluate((eid) => window.skirmish.flash(eid), eid);
    await update(page, eid, { hp: 0, dead: true });
    await setNow(page, 1700);
    await render(page);
    await update(page, eid, { hp: 100, dead: false });
    await setNow(page, 1710);
    await render(page);
    expectColor((await screenshotPixels(page)).at(...px(40, 40)), S.player, 'back to life without a stale flash');
  });

  test('the follow camera glides by elapsed time (frame-rate independent) and cuts on a teleport', async ({ page }) => {
    await setup(page, { follow: true, viewSize: 30, followHalfLifeMs: 100 });
    const me = await spawn(page, { x: 50, y: 50, local: true });
    assert.equal(await viewAt(page, 0), { cx: 50, cy: 50, halfW: (W / H) * 15, halfH: 15 } as never, 'first frame: centred at once');
    await update(page, me, { x: 60 });
    // Four 50 ms frames close 1 - 2^-2 = 75 % of the gap, like one 200 ms frame would.
    let v = { cx: 0, cy: 0 };
    for (const t of [50, 100, 150, 200]) v = await viewAt(page, t);
    assert.ok(Math.abs(v.cx - 57.5) < 1e-6, `after 4 × 50 ms: ${v.cx}`);
    await update(page, me, { x: 70 });
    v = await viewAt(page, 400); // one 200 ms frame: 75 % of the 12.5 left
    assert.ok(Math.abs(v.cx - (57.5 + 12.5 * 0.75)) < 1e-6, `after 1 × 200 ms: ${v.cx}`);
    await update(page, me, { x: 20, y: 80 }); // further than viewSize: a teleport
    v = await viewAt(page, 416);
    assert.ok(Math.abs(v.cx - 20) < 1e-6 && Math.abs(v.cy - 80) < 1e-6, `cut to the teleport: ${JSON.stringify(v)}`);
    expectColor((await screenshotPixels(page)).at(W / 2, H / 2), S.localPlayer, 'own player centred after the cut');
  });

  test('the minimap shows the map bounds, the view, you and the others', async ({ page }) => {
    await setup(page, { follow: true, viewSize: 30 });
    await spawn(page, { x: 70, y: 60, local: true });
    await spawn(page, { x: 20, y: 20 });
    await spawn(page, { x: 30, y: 85, hp: 0, dead: true });
    await setNow(page, 0);
    await render(page);
    await page.evaluate(() => window.skirmish.minimap(200));
    const at = (x: number, y: number): Promise<{ x: number; y: number }> => page.evaluate(([x, y]) => window.skirmish.drawMinimap(x, y), [x, y] as const);
    const me = await at(70, 60);
    const other = await at(20, 20);
    const dead = await at(30, 85);
    const corner = await at(0, 0);
    const far = await at(100, 100);
    const pixels = await screenshotPixels(page);
    expectColor(pixels.at(me.x, me.y), S.localPlayer, 'own dot');
    expectColor(pixels.at(other.x, other.y), S.player, 'other dot');
    expectColor(pixels.at(dead.x, dead.y), S.dead, 'dead dot');
    expectColor(pixels.at(corner.x + 0.5, corner.y + 0.5), S.minimapBorder, 'map border top-left', 40);
    expectColor(pixels.at(far.x - 1, far.y - 1), S.minimapBorder, 'map border bottom-right', 40);
    expectColor(pixels.at(corner.x - 2, corner.y - 2), S.minimapBackground, 'outside the map', 12);
    // The camera's view (30 units tall, centred on the own player): its top edge crosses x = 70.
    const top = await at(70, 60 - 15);
    const edge = [-1, 0, 1].map((d) => pixels.at(top.x, top.y + d));
    assert.ok(edge.some((rgb) => rgb[0]! > 120 && rgb[1]! > 120 && rgb[2]! > 120), `view rectangle edge: ${edge.map(hexOf).join(' ')}`);
    expectColor(pixels.at((corner.x + far.x) / 2, corner.y + 20), S.minimapMap, 'map floor');
  });
});
