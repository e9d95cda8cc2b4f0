// The built game on a 1000 × 1000 map in Chromium: the camera follows the own player smoothly and
// the killer while dead, the minimap shows what this client sees, the top-10 board fits 1280×720,
// and the view follows the window's size.
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { rulesForMap } from '../../game';
import { defaultStyle as S } from '../../render';
import { getStore, Health, Score } from '../../engine';
import type { GameClient } from '../../net';
import { sleep } from '../helpers';
import { browserSuite, colorNear, hexOf, screenshotPixels } from './chromium';
import { addBot, eidOf, openGame, place, self, serverPosition, waitSeen, type PlayCtx, playHooks } from './play-helpers';

const HD = { viewport: { width: 1280, height: 720 } };

type View = { cx: number; cy: number; halfW: number; halfH: number };
const view = (page: Page): Promise<View> => page.evaluate(() => ({ ...(window as any).skirmish.renderer.view }));

browserSuite<PlayCtx>('a big map in the browser', (test) => {
  playHooks(test, { rules: rulesForMap(1000) });

  test('the camera follows the walking player: centred, steady, never backwards', async (ctx) => {
    const page = await openGame(ctx, '?name=Walker', HD);
    const me = await self(page);
    place(ctx.server, me.sid, 400, 500);
    await waitSeen(page, me.id, 400, 500);
    await page.waitForFunction(() => Math.abs((window as any).skirmish.renderer.view.cx - 400) < 0.05);
    await page.evaluate(() => ((window as any).skirmish.trace = []));
    await page.keyboard.down('ArrowRight');
    await sleep(1500);
    await page.keyboard.up('ArrowRight');
    const trace: { t: number; cx: number; cy: number; x: number; y: number }[] = await page.evaluate(() => (window as any).skirmish.trace);
    await page.evaluate(() => delete (window as any).skirmish.trace);
    assert.ok(trace.length >= 5, `${trace.length} frames traced`); // SwiftShader on a busy machine can be slow
    // Past the start, the camera pans right every frame at about walking speed, with the player near the centre.
    const walk = trace.filter((f) => f.t - trace[0]!.t > 300);
    let back = 0;
    const speeds: number[] = [];
    for (let i = 1; i < walk.length; i++) {
      const dx = walk[i]!.cx - walk[i - 1]!.cx;
      const dt = walk[i]!.t - walk[i - 1]!.t;
      if (dx < -1e-3) back++;
      if (dt > 0) speeds.push((dx / dt) * 1000);
      assert.ok(Math.abs(walk[i]!.cy - 500) < 0.05, `no vertical drift: ${walk[i]!.cy}`);
      assert.ok(Math.abs(walk[i]!.x - walk[i]!.cx) < 4, `player ${walk[i]!.x.toFixed(2)} near the centre ${walk[i]!.cx.toFixed(2)}`);
    }
    assert.is(back, 0, 'the camera never steps back');
    speeds.sort((a, b) => a - b);
    const median = speeds[Math.floor(speeds.length / 2)]!;
    assert.ok(median > 18 && median < 32, `median pan ${median.toFixed(1)} units/s (walking speed 25)`);
    // After the key is released the camera settles on the player.
    await page.waitForFunction(() => {
      const { renderer, client } = (window as any).skirmish;
      return Math.abs(renderer.view.cx - client.predicted.x) < 0.05;
    });
    const v = await view(page);
    assert.ok(Math.abs(v.cx - serverPosition(ctx.server, me.sid).x) < 0.1, 'settles where the server has the player');
  });

  test('the minimap shows the map bounds, you, and only the players you can see', async (ctx) => {
    const page = await openGame(ctx, '?name=Scout', HD);
    const me = await self(page);
    const near = await addBot(ctx);
    const far = await addBot(ctx);
    place(ctx.server, me.sid, 300, 700);
    place(ctx.server, near.welcome!.sid, 340, 660);
    place(ctx.server, far.welcome!.sid, 800, 200); // outside the 100-unit view square
    await waitSeen(page, near.welcome!.id, 340, 660);
    await waitSeen(page, me.id, 300, 700);
    await page.waitForFunction((id) => !(window as any).skirmish.client.world.entities.has(id), far.welcome!.id);
    await sleep(200);
    const spots = await page.evaluate(() => {
      const { minimap } = (window as any).skirmish;
      const box = document.getElementById('minimap')!.getBoundingClientRect();
      const [me, near, far, origin, end] = [[300, 700], [340, 660], [800, 200], [0, 0], [1000, 1000]].map(([x, y]) => {
        const p = minimap.toCanvas(x, y);
        return { x: box.left + p.x, y: box.top + p.y };
      });
      return { box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom }, me: me!, near: near!, far: far!, origin: origin!, end: end! };
    });
    assert.ok(spots.box.right <= 1280 && spots.box.bottom <= 720 && spots.box.right - spots.box.left >= 150, `minimap in view: ${JSON.stringify(spots.box)}`);
    const pixels = await screenshotPixels(page);
    const near3 = (p: { x: number; y: number }, hex: number): boolean =>
      [-1, 0, 1].some((dx) => [-1, 0, 1].some((dy) => colorNear(pixels.at(p.x + dx, p.y + dy), hex, 40)));
    assert.ok(near3(spots.me, S.localPlayer), `own dot at ${JSON.stringify(spots.me)}: ${hexOf(pixels.at(spots.me.x, spots.me.y))}`);
    assert.ok(near3(spots.near, S.player), `near player's dot: ${hexOf(pixels.at(spots.near.x, spots.near.y))}`);
    assert.ok(!near3(spots.far, S.player), `no dot for the far player: ${hexOf(pixels.at(spots.far.x, spots.far.y))}`);
    assert.ok(colorNear(pixels.at(spots.origin.x + 0.5, spots.origin.y + 0.5), S.minimapBorder, 50), `map border: ${hexOf(pixels.at(spots.origin.x + 0.5, spots.origin.y + 0.5))}`);
    assert.ok(colorNear(pixels.at(spots.end.x - 1, spots.end.y - 1), S.minimapBorder, 50), 'map border, far corner');
  });

  test('dead, the camera follows the killer; back, it returns to the own player', async (ctx) => {
    const page = await openGame(ctx, '?name=Victim', HD);
    const me = await self(page);
    const killer = await addBot(ctx);
    place(ctx.server, me.sid, 500, 500);
    place(ctx.server, killer.welcome!.sid, 506, 503);
    await waitSeen(page, killer.welcome!.id, 506, 503);
    await sleep(500); // attacks are judged where targets were on the attacker's screen, up to 250 ms back: let the teleports age
    getStore(ctx.server.match.world, Health).hp[eidOf(ctx.server, me.sid)] = 10;
    killer.sendInput({ mx: 0, my: 0, attack: true });
    await page.locator('#death').waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForFunction(() => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - 506) < 0.1 && Math.abs(v.cy - 503) < 0.1;
    }, null, { timeout: 3000 });
    place(ctx.server, killer.welcome!.sid, 520, 490); // the killer walks on; the camera goes with it
    await page.waitForFunction(() => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - 520) < 0.1 && Math.abs(v.cy - 490) < 0.1;
    }, null, { timeout: 3000 });
    await page.locator('#death').waitFor({ state: 'hidden', timeout: 6000 });
    const back = serverPosition(ctx.server, me.sid);
    await page.waitForFunction(([x, y]) => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - x) < 0.1 && Math.abs(v.cy - y) < 0.1;
    }, [Math.min(Math.max(back.x, 0), 1000), back.y] as const, { timeout: 3000 });
  });

  test('the top-10 board stays readable at 1280×720, with the own rank under it when lower', async (ctx) => {
    const page = await openGame(ctx, '?name=Rookie', HD);
    const me = await self(page);
    place(ctx.server, me.sid, 500, 500);
    const bots: GameClient[] = [];
    for (let i = 0; i < 11; i++) bots.push(await addBot(ctx));
    const score = getStore(ctx.server.match.world, Score);
    bots.forEach((bot, i) => {
      place(ctx.server, bot.welcome!.sid, 470 + i * 5, 530);
      score.kills[eidOf(ctx.server, bot.welcome!.sid)] = 20 - i; // the server sends score changes
    });
    await page.waitForFunction(() => document.querySelectorAll('.hud-board li').length === 11, null, { timeout: 8000 });
    const board = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('.hud-board li')].map((li) => {
        const r = li.getBoundingClientRect();
        return { text: (li as HTMLElement).innerText.replace(/\s+/g, ' '), me: li.classList.contains('me'), top: r.top, bottom: r.bottom, left: r.left, right: r.right, font: parseFloat(getComputedStyle(li).fontSize) };
      });
      const box = document.querySelector('.hud-board')!.getBoundingClientRect();
      const mini = document.getElementById('minimap')!.getBoundingClientRect();
      const top = document.querySelector('.hud-top')!.getBoundingClientRect();
      return { rows, box: { top: box.top, bottom: box.bottom, left: box.left, right: box.right }, mini: { top: mini.top, left: mini.left }, top: { right: top.right } };
    });
    assert.is(board.rows.length, 11, 'ten rows and the own one');
    board.rows.slice(0, 10).forEach((row, i) => {
      assert.match(row.text, new RegExp(`^${i + 1} ${bots[i]!.welcome!.name} ${20 - i} \/ 0$`), `row ${i + 1}: ${row.text}`);
      assert.ok(!row.me);
    });
    assert.match(board.rows[10]!.text, /^12 Rookie 0 \/ 0$/, `own row: ${board.rows[10]!.text}`);
    assert.ok(board.rows[10]!.me);
    for (const row of board.rows) {
      assert.ok(row.font >= 12, `font ${row.font}px`);
      assert.ok(row.bottom - row.top >= 14, 'row height');
    }
    assert.ok(board.box.bottom <= board.mini.top, `board (bottom ${board.box.bottom}) above the minimap (top ${board.mini.top})`);
    assert.ok(board.box.right <= 1280 && board.box.left > board.top.right, 'inside the window, clear of the status bar');
  });

  test('the view scales with the window: same units across the shorter side, player centred', async (ctx) => {
    const page = await openGame(ctx, '?name=Resizer', HD);
    const me = await self(page);
    place(ctx.server, me.sid, 600, 400);
    await waitSeen(page, me.id, 600, 400);
    await page.waitForFunction(() => Math.abs((window as any).skirmish.renderer.view.cx - 600) < 0.05);
    const measure = (): Promise<{ ten: number; centre: { x: number; y: number } }> => page.evaluate(() => {
      const { renderer } = (window as any).skirmish;
      const a = renderer.toScreen(600, 400);
      const b = renderer.toScreen(600, 410);
      return { ten: b.y - a.y, centre: a };
    });
    let m = await measure();
    assert.ok(Math.abs(m.ten - 720 / 5) < 1, `10 units = ${m.ten}px at 1280×720 (50 units across 720 px)`);
    assert.ok(Math.abs(m.centre.x - 640) < 2 && Math.abs(m.centre.y - 360) < 2, 'centred');
    await page.setViewportSize({ width: 640, height: 480 });
    await page.waitForFunction(() => (window as any).skirmish.renderer.toScreen(600, 400).x < 400);
    await sleep(100);
    m = await measure();
    assert.ok(Math.abs(m.ten - 480 / 5) < 1, `10 units = ${m.ten}px at 640×480`);
    assert.ok(Math.abs(m.centre.x - 320) < 2 && Math.abs(m.centre.y - 240) < 2, `centred: ${JSON.stringify(m.centre)}`);
    const pixels = await screenshotPixels(page);
    assert.ok(colorNear(pixels.at(320, 240), S.localPlayer, 40), `own player drawn at the centre: ${hexOf(pixels.at(320, 240))}`);
  });
});
