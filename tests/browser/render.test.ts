import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { defaultStyle as S } from '../../render';
import { within } from '../helpers';
import {
  browserSuite, colorNear, hexOf, launchChromium, screenshotPixels, servePage, type Pixels, type StaticServer,
} from './chromium';
import type { FrameStats, PageSetup, PlayerSpec } from './fixtures/render-page';

const W = 800;
const H = 600;
const MAP = { width: 100, height: 100 };
// Independent of the renderer: the whole map plus its 3-unit margin, letterboxed and centred.
const SCALE = Math.min(W / (MAP.width + 6), H / (MAP.height + 6));
const px = (x: number, y: number): [number, number] => [W / 2 + (x - MAP.width / 2) * SCALE, H / 2 + (y - MAP.height / 2) * SCALE];

/** `hex` drawn at `alpha` over `under` (blending happens on the sRGB values in the framebuffer). */
function blend(hex: number, under: number, alpha: number): number {
  const ch = (c: number, s: number): number => (c >> s) & 255;
  const mix = (s: number): number => Math.round(alpha * ch(hex, s) + (1 - alpha) * ch(under, s));
  return (mix(16) << 16) | (mix(8) << 8) | mix(0);
}

function expectColor(pixels: Pixels, at: [number, number], hex: number, what: string, tolerance = 24): void {
  const rgb = pixels.at(at[0], at[1]);
  assert.ok(colorNear(rgb, hex, tolerance), `${what}: expected ~#${hex.toString(16).padStart(6, '0')} at ${at.map(Math.round)}, got ${hexOf(rgb)}`);
}

/** Width in pixels of the health-bar fill of the player at (x, y): bright pixels along the bar's middle row. */
function fillWidth(pixels: Pixels, x: number, y: number): number {
  const [cx, cy] = px(x, y - S.radius - 0.7 - S.barHeight / 2);
  const half = ((S.barWidth / 2) + 0.5) * SCALE;
  let n = 0;
  for (let sx = Math.floor(cx - half); sx <= cx + half; sx++) if (Math.max(...pixels.at(sx, cy).slice(0, 3)) > 80) n++;
  return n;
}

interface Ctx {
  browser: Browser;
  server: StaticServer;
  page: Page;
  errors: Error[];
}

const fixture = fileURLToPath(new URL('./fixtures/render-page.ts', import.meta.url));

const setup = (page: Page, s: Partial<PageSetup> = {}): Promise<void> =>
  page.evaluate((s) => window.skirmish.setup(s), { width: W, height: H, map: MAP, ...s });
const spawn = (page: Page, spec: PlayerSpec): Promise<number> => page.evaluate((spec) => window.skirmish.spawn(spec), spec);
const update = (page: Page, eid: number, spec: PlayerSpec): Promise<void> =>
  page.evaluate(([eid, spec]) => window.skirmish.update(eid, spec), [eid, spec] as const);
const setNow = (page: Page, ms: number): Promise<void> => page.evaluate((ms) => window.skirmish.setNow(ms), ms);
const render = (page: Page): Promise<FrameStats> => page.evaluate(() => window.skirmish.render());

browserSuite<Ctx>('render', (Render) => {
  Render.before(async (ctx) => {
    ctx.server = await within(30_000, servePage(fixture, 'render test'), 'bundle render page');
    ctx.browser = await within(30_000, launchChromium(), 'launch Chromium');
  });
  Render.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  Render.before.each(async (ctx) => {
    ctx.errors = [];
    ctx.page = await ctx.browser.newPage({ viewport: { width: W, height: H }, deviceScaleFactor: 1 });
    ctx.page.on('pageerror', (error) => ctx.errors.push(error));
    await ctx.page.goto(ctx.server.url);
    await ctx.page.waitForFunction(() => 'skirmish' in window);
  });
  Render.after.each(async (ctx) => {
    await ctx.page.close();
    assert.equal(ctx.errors.map(String), [], 'page errors');
  });

  Render('draws players at their projected position; the local player in its own colour with an outline', async ({ page }) => {
    await setup(page);
    await spawn(page, { x: 33, y: 44 });
    await spawn(page, { x: 67, y: 56, local: true });
    await render(page);
    const pixels = await screenshotPixels(page);
    expectColor(pixels, px(33, 44), S.player, 'other player');
    expectColor(pixels, px(67, 56), S.localPlayer, 'local player');
    expectColor(pixels, px(67 + S.radius + 0.35, 56), S.localOutline, 'local outline', 40);
    expectColor(pixels, px(33 + S.radius + 0.35, 44), S.floor, 'no outline on others', 8);
    expectColor(pixels, px(15, 85), S.floor, 'floor', 8);
    expectColor(pixels, [5, H / 2], S.background, 'letterbox', 8);
    const shown = await page.evaluate(() => window.skirmish.toScreen(33, 44));
    const [ex, ey] = px(33, 44);
    assert.ok(Math.abs(shown.x - ex) < 0.5 && Math.abs(shown.y - ey) < 0.5, `toScreen ${JSON.stringify(shown)} vs ${ex},${ey}`);
  });

  Render('draws the arena: grid lines every 10 units and the border', async ({ page }) => {
    await setup(page);
    await render(page);
    const pixels = await screenshotPixels(page);
    // A 1 px line on a pixel boundary spreads over two pixels at half strength: look for "lighter than the floor".
    const floorSum = ((S.floor >> 16) & 255) + ((S.floor >> 8) & 255) + (S.floor & 255);
    const lighter = (x: number, y: number, axis: 'x' | 'y', by: number): boolean => {
      const [sx, sy] = px(x, y);
      for (let d = -2; d <= 2; d++) {
        const [r, g, b] = pixels.at(axis === 'x' ? sx + d : sx, axis === 'y' ? sy + d : sy);
        if (r + g + b - floorSum >= by) return true;
      }
      return false;
    };
    const line = (x: number, y: number, axis: 'x' | 'y'): boolean => lighter(x, y, axis, 20);
    for (const g of [10, 50, 90]) {
      assert.ok(line(g, 15, 'x'), `vertical grid line at x=${g}`);
      assert.ok(line(15, g, 'y'), `horizontal grid line at y=${g}`);
    }
    assert.ok(!lighter(15, 15, 'x', 6), 'no line between grid lines');
    for (const [x, y, axis] of [[0, 55, 'x'], [100, 55, 'x'], [55, 0, 'y'], [55, 100, 'y']] as const) {
      assert.ok(lighter(x, y, axis, 150), `border at ${x},${y}`);
    }
  });

  Render('a dead player is grey and translucent, without a health bar, until it respawns', async ({ page }) => {
    await setup(page);
    const eid = await spawn(page, { x: 45, y: 45, hp: 0, dead: true });
    await render(page);
    let pixels = await screenshotPixels(page);
    expectColor(pixels, px(45, 45), blend(S.dead, S.floor, S.deadOpacity), 'dead body', 10);
    assert.is(fillWidth(pixels, 45, 45), 0, 'no health bar');
    expectColor(pixels, px(45, 45 - S.radius - 0.8), S.floor, 'no bar background', 8);
    await update(page, eid, { hp: 100, dead: false });
    await render(page);
    pixels = await screenshotPixels(page);
    expectColor(pixels, px(45, 45), S.player, 'respawned body');
  });

  Render('a dropped (offline) player is drawn greyed out, keeps its bar, and comes back in colour', async ({ page }) => {
    await setup(page);
    const eid = await spawn(page, { x: 55, y: 55, offline: true });
    await render(page);
    let pixels = await screenshotPixels(page);
    expectColor(pixels, px(55, 55), S.offline, 'offline body');
    assert.ok(fillWidth(pixels, 55, 55) > 0, 'still has its health bar');
    await update(page, eid, { offline: false });
    await render(page);
    pixels = await screenshotPixels(page);
    expectColor(pixels, px(55, 55), S.player, 'back online');
  });

  Render('the health bar fill shrinks with hp and turns from green to red', async ({ page }) => {
    await setup(page);
    const eid = await spawn(page, { x: 35, y: 35 });
    const full = (S.barWidth - 0.2) * SCALE;
    const measure = async (hp: number): Promise<[number, number[]]> => {
      await update(page, eid, { hp });
      await render(page);
      const pixels = await screenshotPixels(page);
      const [lx, ly] = px(35 - S.barWidth / 2 + 0.5, 35 - S.radius - 0.7 - S.barHeight / 2);
      return [fillWidth(pixels, 35, 35), pixels.at(lx, ly)];
    };
    const [w100, c100] = await measure(100);
    const [w50] = await measure(50);
    const [w25, c25] = await measure(25);
    assert.ok(Math.abs(w100 - full) <= 2, `full bar ${w100}px, expected ~${full.toFixed(1)}`);
    assert.ok(Math.abs(w50 / w100 - 0.5) < 0.1, `half bar ${w50}/${w100}`);
    assert.ok(Math.abs(w25 / w100 - 0.25) < 0.1, `quarter bar ${w25}/${w100}`);
    assert.ok(c100[1]! > c100[0]! + 60, `full health is green, got ${hexOf(c100)}`);
    assert.ok(c25[0]! > c25[1]! + 40, `low health is red, got ${hexOf(c25)}`);
  });

  Render('an attack swings: a ring grows from the body to the attack range, then fades, over ~200 ms', async ({ page }) => {
    await setup(page);
    await setNow(page, 1000);
    await spawn(page, { x: 50, y: 50, attackAt: 1000 });
    const floorRed = (S.floor >> 16) & 255;
    // Along the 45° ray out of the body (away from grid lines): how far out the ring's outer edge
    // is (map units, null when nothing is drawn there) and how strongly it is drawn (red above the floor).
    const swing = async (now: number): Promise<{ edge: number | null; strength: number }> => {
      await setNow(page, now);
      await render(page);
      const pixels = await screenshotPixels(page);
      let edge: number | null = null;
      let strength = 0;
      for (let d = S.radius + 0.4; d <= 12; d += 0.1) {
        const red = pixels.at(...px(50 + d / Math.SQRT2, 50 + d / Math.SQRT2))[0]! - floorRed;
        strength = Math.max(strength, red);
        if (red > 30) edge = d;
      }
      return { edge, strength };
    };
    const start = await swing(1000);
    assert.is(start.edge, null, `nothing outside the body as the swing starts: ${JSON.stringify(start)}`);
    const early = await swing(1030);
    const later = await swing(1060);
    assert.ok(early.edge !== null && early.edge > 2 && early.edge < 8, `30 ms in, part way out: ${JSON.stringify(early)}`);
    assert.ok(later.edge !== null && later.edge > early.edge + 1, `60 ms in, further out: ${JSON.stringify(later)} after ${JSON.stringify(early)}`);
    const full = await swing(1130);
    assert.ok(full.edge !== null && Math.abs(full.edge - 10) < 0.5, `130 ms in, at the attack range (10): ${JSON.stringify(full)}`);
    const fading = await swing(1180);
    assert.ok(fading.strength < full.strength - 40, `fades out: ${fading.strength} at 180 ms after ${full.strength} at 130 ms`);
    const over = await swing(1210);
    assert.ok(over.edge === null && over.strength < 8, `gone after 200 ms: ${JSON.stringify(over)}`);
  });

  Render('300 players cost the same handful of draw calls as 3; instance capacity grows', async ({ page }) => {
    await setup(page, { capacity: 16 });
    // One of each kind first: local, dead, attacking (attackAt 0 = the page clock's now).
    await spawn(page, { x: 10, y: 10, local: true });
    await spawn(page, { x: 20, y: 10, hp: 0, dead: true });
    await spawn(page, { x: 30, y: 10, attackAt: 0 });
    const few = await render(page);
    let seed = 12345;
    const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const spots: { x: number; y: number; dead: boolean }[] = [];
    for (let i = 0; i < 297; i++) {
      const spot = { x: 2 + rand() * 96, y: 16 + rand() * 82, dead: i % 17 === 0 };
      spots.push(spot);
      await spawn(page, { x: spot.x, y: spot.y, hp: 10 + (i % 10) * 10, dead: spot.dead || undefined, attackAt: i % 5 === 0 ? 0 : undefined });
    }
    const many = await render(page);
    assert.ok(many.calls <= 10, `${many.calls} draw calls for 300 players`);
    assert.is(many.calls, few.calls, 'draw calls do not grow with players');
    assert.ok(many.instanceCapacity >= 300, `capacity grew to ${many.instanceCapacity}`);
    assert.ok(many.geometries <= 12, `${many.geometries} geometries`);
    // Living players with nobody nearby show their own colour at their centre.
    const pixels = await screenshotPixels(page);
    const lonely = spots.filter((a) => !a.dead && spots.every((b) => b === a || Math.hypot(b.x - a.x, b.y - a.y) > 6));
    assert.ok(lonely.length >= 3, `${lonely.length} isolated players`);
    for (const { x, y } of lonely) expectColor(pixels, px(x, y), S.player, `player at ${x.toFixed(1)},${y.toFixed(1)}`);
  });

  Render('resize keeps the map square and letterboxed', async ({ page }) => {
    await setup(page);
    await page.setViewportSize({ width: 400, height: 600 });
    await page.evaluate(() => window.skirmish.resize(400, 600));
    await spawn(page, { x: 50, y: 50 });
    await render(page);
    const a = await page.evaluate(() => window.skirmish.toScreen(0, 0));
    const b = await page.evaluate(() => window.skirmish.toScreen(100, 100));
    assert.ok(Math.abs(b.x - a.x - (b.y - a.y)) < 0.5, `square map: ${JSON.stringify([a, b])}`);
    assert.ok(Math.abs((a.x + b.x) / 2 - 200) < 0.5 && Math.abs((a.y + b.y) / 2 - 300) < 0.5, 'centred');
    const pixels = await screenshotPixels(page);
    expectColor(pixels, [200, 300], S.player, 'player at the centre');
    expectColor(pixels, [200, 5], S.background, 'letterbox above the map', 8);
  });

  Render('follow mode centres the local player, showing viewSize units, and stops at the map edge', async ({ page }) => {
    await setup(page, { follow: true, viewSize: 30 });
    const me = await spawn(page, { x: 70, y: 30, local: true });
    await render(page);
    const c = await page.evaluate(() => window.skirmish.toScreen(70, 30));
    const e = await page.evaluate(() => window.skirmish.toScreen(85, 30));
    assert.ok(Math.abs(c.x - W / 2) < 0.5 && Math.abs(c.y - H / 2) < 0.5, `centred: ${JSON.stringify(c)}`);
    assert.ok(Math.abs(e.x - c.x - (15 * H) / 30) < 0.5, `scale: ${e.x - c.x}px for 15 units`);
    expectColor(await screenshotPixels(page), [W / 2, H / 2], S.localPlayer, 'local player at the centre');
    await update(page, me, { x: 1, y: 1 });
    await render(page);
    const corner = await page.evaluate(() => window.skirmish.toScreen(-3, -3));
    assert.ok(Math.abs(corner.x) < 0.5 && Math.abs(corner.y) < 0.5, `clamped to the margin: ${JSON.stringify(corner)}`);
  });

  Render('an overview frame (saved to $RENDER_SHOT when set)', async ({ page }) => {
    await setup(page);
    await setNow(page, 5000);
    const spots: [number, number, number][] = [[20, 20, 100], [32, 26, 60], [75, 30, 30], [50, 70, 90], [80, 80, 15], [15, 65, 45]];
    for (const [x, y, hp] of spots) await spawn(page, { x, y, hp });
    await spawn(page, { x: 55, y: 48, local: true, hp: 80, attackAt: 4950 });
    await spawn(page, { x: 40, y: 85, hp: 0, dead: true });
    const stats = await render(page);
    const pixels = await screenshotPixels(page, process.env.RENDER_SHOT || undefined);
    expectColor(pixels, px(55, 48), S.localPlayer, 'local player');
    for (const [x, y] of spots) expectColor(pixels, px(x, y), S.player, `player at ${x},${y}`);
    assert.ok(stats.calls <= 10, `${stats.calls} draw calls`);
  });

  Render('dispose() frees every geometry, texture and shader program', async ({ page }) => {
    await setup(page);
    await spawn(page, { x: 50, y: 50, local: true, attackAt: 0 });
    await spawn(page, { x: 60, y: 50, dead: true });
    const before = await render(page);
    assert.ok(before.geometries > 0 && before.programs > 0, `in use: ${JSON.stringify(before)}`);
    const after = await page.evaluate(() => window.skirmish.dispose());
    assert.equal([after.geometries, after.textures, after.programs], [0, 0, 0], `after dispose: ${JSON.stringify(after)}`);
  });
});
