// Touch controls in Chromium with touch emulation: the joystick moves the player, the attack
// button hits a neighbour; a mouse-and-keyboard page never shows (or loads) them.
import type { CDPSession, Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { sleep, waitFor } from '../helpers';
import { browserSuite } from './chromium';
import { addBot, openGame, place, self, serverHp, serverPosition, waitSeen, type PlayCtx, playHooks } from './play-helpers';

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
    place(ctx.server, me.sid, 50, 50);
    place(ctx.server, victim.welcome!.sid, 55, 52);
    await waitSeen(page, victim.welcome!.id, 55, 52);
    await waitSeen(page, me.id, 50, 50);
    await sleep(500); // attacks are judged where targets were on the attacker's screen, up to 250 ms back: let the teleports age
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
