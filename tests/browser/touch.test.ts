// Touch controls in Chromium with touch emulation: the joystick moves the player, the attack
// button hits a neighbour; a mouse-and-keyboard page never shows (or loads) them; a phone held
// upright fits the controls beside the scoreboard, minimap and status.
import type { CDPSession, Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { sleep, waitFor } from '../helpers';
import { browserSuite } from './chromium';
import { getStore, Health, Score } from '../../engine';
import { rulesForMap } from '../../game';
import type { GameClient } from '../../net';
import { addBot, eidOf, openGame, place, self, serverHp, serverPosition, teleportAndSettle, waitSeen, type PlayCtx, playHooks } from './play-helpers';

const PHONE = { viewport: { width: 800, height: 450 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };

/** Drags one finger from `from` to `to` in `steps`, holds it `holdMs`, lifts it. */
async function drag(cdp: CDPSession, from: { x: number; y: number }, to: { x: number; y: number }, steps: number, holdMs: number): Promise<void> {
  const point = (x: number, y: number): { x: number; y: number; id: number } => ({ x, y, id: 1 });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point(from.x, from.y)] });
  for (let i = 1; i <= steps; i++) {
    const f = i / steps;
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f)] });
    await sleep(16);
  }
  await sleep(holdMs);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = (await page.locator(selector).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

browserSuite<PlayCtx>('touch controls in the browser', (test) => {
  playHooks(test);

  test('on a touch screen: dragging the stick walks, tapping Attack hits the neighbour', async (ctx) => {
    const page = await openGame(ctx, '?name=Thumb', PHONE);
    assert.ok(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'emulated touch screen');
    await page.locator('.touch-attack').waitFor({ state: 'visible', timeout: 5000 });
    await page.locator('.touch-stick').waitFor({ state: 'visible' });
    assert.ok(!(await page.locator('.hud-help').isVisible()), 'no keyboard help on a phone');
    const me = await self(page);
    place(ctx.server, me.sid, 30, 50);
    await waitSeen(page, me.id, 30, 50);

    const cdp = await page.context().newCDPSession(page);
    // Right and a little down on the left half of the screen.
    await drag(cdp, { x: 150, y: 300 }, { x: 230, y: 305 }, 6, 500);
    await waitFor(() => serverPosition(ctx.server, me.sid).x > 33, 5000, 'the stick to walk the player right');
    const moved = serverPosition(ctx.server, me.sid);
    assert.ok(Math.abs(moved.y - 50) < Math.abs(moved.x - 30) / 3, `mostly right: ${JSON.stringify(moved)}`);
    await sleep(400);
    const stopped = serverPosition(ctx.server, me.sid);
    await sleep(300);
    assert.equal(serverPosition(ctx.server, me.sid), stopped, 'stops when the finger lifts');

    const victim = await addBot(ctx);
    await teleportAndSettle(ctx.server, page, { ...me, x: 50, y: 50 }, { ...victim.welcome!, x: 55, y: 52 });
    await page.touchscreen.tap(...Object.values(await centre(page, '.touch-attack')) as [number, number]);
    await waitFor(() => serverHp(ctx.server, victim.welcome!.sid) === 90, 5000, 'the tap to hit');
    await sleep(1100);
    assert.is(serverHp(ctx.server, victim.welcome!.sid), 90, 'one tap, one hit');
  });

  test('with a mouse and keyboard there is no joystick, no button, and no touch code loaded', async (ctx) => {
    const page = await openGame(ctx, '?name=Desk');
    await sleep(300);
    assert.is(await page.locator('.touch-attack, .touch-stick').count(), 0);
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
    assert.ok(!scripts.some((n) => /touch-/.test(n)), 'touch chunk (nipplejs) not fetched');
    assert.ok(await page.locator('.hud-help').isVisible(), 'keyboard help shown');
  });
});

/** A phone held upright (iPhone 12–15 sized), in CSS pixels. */
const PORTRAIT = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 };

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

browserSuite<PlayCtx>('touch controls on a phone held upright', (test) => {
  // A big map: the camera follows and the minimap shows, so every corner of the screen is in use.
  playHooks(test, { rules: rulesForMap(1000) });

  test('390×844: stick and button in view, clear of scoreboard, minimap and status; dragging walks, a tap kills', async (ctx) => {
    const page = await openGame(ctx, '?name=Thumb', PORTRAIT);
    const me = await self(page);
    place(ctx.server, me.sid, 500, 500);
    // Eleven neighbours in view but out of reach, each with a kill: the fullest scoreboard (the top
    // 10, and the own row under them).
    const others: GameClient[] = [];
    for (let i = 0; i < 11; i++) others.push(await addBot(ctx, `Neighbour ${i}`));
    const score = getStore(ctx.server.match.world, Score);
    others.forEach((bot, i) => {
      place(ctx.server, bot.welcome!.sid, 425 + 15 * i, 450);
      score.kills[eidOf(ctx.server, bot.welcome!.sid)] = 1; // the server sends score changes
    });
    await page.locator('.touch-attack').waitFor({ state: 'visible', timeout: 5000 });
    await page.locator('.touch-stick').waitFor({ state: 'visible' });
    await page.locator('#minimap').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelectorAll('.hud-board li').length === 11, null, { timeout: 10000 });

    const box = async (selector: string): Promise<Box> => (await page.locator(selector).boundingBox())!;
    const boxes = {
      stick: await box('.touch-stick'), attack: await box('.touch-attack'), board: await box('.hud-board'),
      minimap: await box('#minimap'), status: await box('.hud-top'),
    };
    for (const [name, b] of Object.entries(boxes)) {
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= 390 && b.y + b.height <= 844, `${name} inside the screen: ${JSON.stringify(b)}`);
    }
    const apart = (a: keyof typeof boxes, b: keyof typeof boxes): void => assert.ok(!overlap(boxes[a], boxes[b]), `${a} ${JSON.stringify(boxes[a])} clear of ${b} ${JSON.stringify(boxes[b])}`);
    for (const control of ['stick', 'attack'] as const) for (const panel of ['board', 'minimap', 'status'] as const) apart(control, panel);
    apart('stick', 'attack');
    apart('board', 'minimap');
    apart('status', 'board');
    assert.ok(boxes.attack.width >= 44 && boxes.attack.height >= 44, 'a button a thumb can hit');

    // The stick: a drag in the lower left walks the player right.
    await waitSeen(page, me.id, 500, 500);
    const cdp = await page.context().newCDPSession(page);
    await drag(cdp, { x: 90, y: 650 }, { x: 170, y: 655 }, 6, 500);
    await waitFor(() => serverPosition(ctx.server, me.sid).x > 503, 5000, 'the stick to walk the player right');
    const moved = serverPosition(ctx.server, me.sid);
    assert.ok(Math.abs(moved.y - 500) < Math.abs(moved.x - 500) / 3, `mostly right: ${JSON.stringify(moved)}`);

    // The button: a tap on a neighbour with 10 HP left kills it, and the kill line stays clear of the panels.
    await sleep(400); // the finger is up: the player stops
    const victim = await addBot(ctx, 'Victim');
    await teleportAndSettle(ctx.server, page, { ...me, x: 500, y: 520 }, { ...victim.welcome!, x: 505, y: 522 });
    getStore(ctx.server.match.world, Health).hp[eidOf(ctx.server, victim.welcome!.sid)] = 10;
    await page.touchscreen.tap(...Object.values(await centre(page, '.touch-attack')) as [number, number]);
    await waitFor(() => serverHp(ctx.server, victim.welcome!.sid) <= 0, 5000, 'the tap to kill');
    await page.locator('.hud-feed li', { hasText: 'Victim' }).waitFor({ timeout: 5000 });
    const feed = await box('.hud-feed');
    for (const panel of ['status', 'board', 'minimap'] as const) assert.ok(!overlap(feed, boxes[panel]), `kill feed ${JSON.stringify(feed)} clear of ${panel}`);
    assert.ok(feed.x + feed.width <= 390, 'kill feed inside the screen');
  });
});
