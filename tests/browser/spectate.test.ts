// The built game page as a spectator (`?spectate=<match id>`) in Chromium, on a 1000 × 1000 map:
// no start screen, a banner with the player count, the whole map framed with every player drawn
// and named, a player followed from the scoreboard or with Tab, Escape back to the whole map,
// free panning and zoom, no input ever sent, and the kill feed as a player sees it.
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { rulesForMap } from '../../game';
import { defaultStyle as S } from '../../render';
import { getStore, Health } from '../../engine';
import { waitFor } from '../helpers';
import { browserSuite, colorNear, hexOf, screenshotPixels } from './chromium';
import { addBot, eidOf, newPage, place, type PlayCtx, playHooks } from './play-helpers';

type View = { cx: number; cy: number; halfW: number; halfH: number };
const view = (page: Page): Promise<View> => page.evaluate(() => ({ ...(window as any).skirmish.renderer.view }));
const banner = (page: Page): Promise<string> => page.evaluate(() => document.querySelector('.spectate-banner')?.textContent ?? '');

/** Opens the page as a spectator of the server's default match; resolves once it draws `players` players. */
async function openSpectator(ctx: PlayCtx, players: number): Promise<Page> {
  const page = await newPage(ctx);
  await page.goto(`${ctx.server.url}/?spectate=${ctx.server.matchId}`);
  await page.waitForFunction((n) => {
    const s = (window as any).skirmish;
    return s?.renderer !== undefined && s.client?.welcome?.spectator !== undefined && s.client.world.entities.size === n;
  }, players, { timeout: 15000 });
  return page;
}

browserSuite<PlayCtx>('spectating in the browser', (test) => {
  playHooks(test, { rules: rulesForMap(1000) });

  test('the page shows the banner, the scoreboard and every player on the whole map, and sends nothing', async (ctx) => {
    const ann = await addBot(ctx, 'Ann');
    const bob = await addBot(ctx, 'Bob');
    place(ctx.server, ann.welcome!.sid, 100, 100);
    place(ctx.server, bob.welcome!.sid, 900, 800);
    const page = await openSpectator(ctx, 2);
    assert.is(await page.locator('#start').count(), 0, 'no start screen');
    await page.waitForFunction(() => /2 players/.test(document.querySelector('.spectate-banner')?.textContent ?? ''));
    const text = await banner(page);
    assert.match(text, /Spectating/);
    assert.match(text, /Tab/, 'the banner documents the keys');
    assert.match(text, /Esc/);
    await page.waitForFunction(() => document.querySelectorAll('.hud-board .who').length === 2);
    const board = await page.$$eval('.hud-board .who', (els) => els.map((e) => e.textContent).sort());
    assert.equal(board, ['Ann', 'Bob'], 'the scoreboard lists both players');
    // The whole 1000-unit map is framed: both players, 800 units apart, are on screen and named there.
    const v = await view(page);
    assert.ok(Math.abs(v.cx - 500) < 1 && Math.abs(v.cy - 500) < 1 && v.halfH * 2 >= 1000, `whole map framed: ${JSON.stringify(v)}`);
    await page.waitForFunction(() => {
      const { renderer, client } = (window as any).skirmish;
      const labels = [...document.querySelectorAll<HTMLElement>('.name-label')].filter((l) => !l.hidden);
      return ['Ann', 'Bob'].every((name) => {
        const label = labels.find((l) => l.textContent === name);
        if (!label) return false;
        const id = Number(label.dataset.id);
        const eid = client.world.entities.get(id);
        const pos = [...client.world.stores.entries()].find(([def]: [any]) => def.name === 'Position')![1];
        const at = renderer.toScreen(pos.x[eid], pos.y[eid]);
        const box = label.getBoundingClientRect();
        return at.x > 0 && at.x < innerWidth && at.y > 0 && at.y < innerHeight && Math.abs(box.left + box.width / 2 - at.x) < 2;
      });
    }, null, { timeout: 10000 });
    // Keys that would steer a player move nothing on the server: the spectator sends no input.
    await page.keyboard.press('Space');
    await page.keyboard.down('ArrowLeft');
    await page.waitForTimeout(300);
    await page.keyboard.up('ArrowLeft');
    const sent = await page.evaluate(() => ({ seq: (window as any).skirmish.client.lastSentSeq, touch: (window as any).skirmish.touch }));
    assert.is(sent.seq, 0, 'no input sent');
    assert.is(sent.touch, undefined, 'no touch controls');
    assert.is(ctx.server.match.stats.rejected, 0, 'nothing refused either: nothing was sent');
    assert.is(ctx.server.match.sessions.byToken.size, 2, 'the page is not a player');
  });

  test('following a player from the scoreboard or with Tab moves the camera to it; Escape frames the map again', async (ctx) => {
    const ann = await addBot(ctx, 'Ann');
    const bob = await addBot(ctx, 'Bob');
    place(ctx.server, ann.welcome!.sid, 100, 150);
    place(ctx.server, bob.welcome!.sid, 850, 700);
    const page = await openSpectator(ctx, 2);
    await page.waitForFunction(() => document.querySelectorAll('.hud-board .who').length === 2);
    // A real press on Bob's row: the board is rebuilt ten times a second, so the row under the
    // pointer is whichever element shows Bob at that moment.
    const row = await page.evaluate(() => {
      const who = [...document.querySelectorAll('.hud-board .who')].find((e) => e.textContent === 'Bob')!.getBoundingClientRect();
      return { x: who.left + who.width / 2, y: who.top + who.height / 2 };
    });
    await page.mouse.click(row.x, row.y);
    await page.waitForFunction(() => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - 850) < 0.5 && Math.abs(v.cy - 700) < 0.5;
    }, null, { timeout: 10000 });
    const followed = await view(page);
    assert.ok(followed.halfH * 2 < 100, `zoomed in on the player: ${JSON.stringify(followed)}`);
    await page.waitForFunction(() => /following Bob/.test(document.querySelector('.spectate-banner')?.textContent ?? ''));
    const pixels = await screenshotPixels(page);
    const centre = pixels.at(400, 300);
    assert.ok(colorNear(centre, S.player, 40), `Bob drawn at the centre: ${hexOf(centre)}`);

    await page.keyboard.press('Escape');
    await page.waitForFunction(() => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - 500) < 0.5 && v.halfH * 2 >= 1000;
    });
    assert.is(await page.evaluate(() => (window as any).skirmish.spectator.mode), 'whole');

    // Tab follows players in NetId order: Ann joined first.
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - 100) < 0.5 && Math.abs(v.cy - 150) < 0.5;
    }, null, { timeout: 10000 });
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => Math.abs((window as any).skirmish.renderer.view.cx - 850) < 0.5, null, { timeout: 10000 });
    // The followed player walks: the camera goes with it.
    bob.sendInput({ mx: -1, my: 0, attack: false });
    await page.waitForFunction(() => (window as any).skirmish.renderer.view.cx < 840, null, { timeout: 10000 });
    bob.sendInput({ mx: 0, my: 0, attack: false });
  });

  test('the free camera zooms and pans over the map', async (ctx) => {
    await addBot(ctx, 'Ann');
    const page = await openSpectator(ctx, 1);
    const whole = await view(page);
    await page.keyboard.press('Equal');
    await page.keyboard.press('Equal');
    await page.waitForFunction((h) => (window as any).skirmish.renderer.view.halfH < h * 0.8, whole.halfH);
    assert.is(await page.evaluate(() => (window as any).skirmish.spectator.mode), 'free');
    const before = await view(page);
    await page.keyboard.down('KeyD');
    await page.waitForFunction((x) => (window as any).skirmish.renderer.view.cx > x + 20, before.cx, { timeout: 10000 });
    // Held on to the map's right edge (plus the 3-unit margin) and beyond: the view stops there…
    await page.waitForFunction(() => {
      const v = (window as any).skirmish.renderer.view;
      return Math.abs(v.cx - (1003 - v.halfW)) < 0.5;
    }, null, { timeout: 10000 });
    await page.waitForTimeout(300);
    await page.keyboard.up('KeyD');
    // …and a drag back moves it at once (the free centre never ran on past the edge).
    const dragStart = await view(page);
    await page.mouse.move(400, 300);
    await page.mouse.down();
    await page.mouse.move(500, 300, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((x) => (window as any).skirmish.renderer.view.cx < x - 20, dragStart.cx, { timeout: 10000 });
  });

  test('the kill feed names killer and victim, as a player sees it', async (ctx) => {
    const ann = await addBot(ctx, 'Ann');
    const bob = await addBot(ctx, 'Bob');
    place(ctx.server, ann.welcome!.sid, 500, 500);
    place(ctx.server, bob.welcome!.sid, 505, 500);
    const page = await openSpectator(ctx, 2);
    getStore(ctx.server.match.world, Health).hp[eidOf(ctx.server, bob.welcome!.sid)] = 5;
    ann.sendInput({ mx: 0, my: 0, attack: true });
    await waitFor(() => bob.world.entities.size > 0 && ctx.server.match.world.events !== undefined
      && getStore(ctx.server.match.world, Health).hp[eidOf(ctx.server, bob.welcome!.sid)]! <= 0, 5000, 'Ann kills Bob');
    await page.waitForFunction(() => [...document.querySelectorAll('.hud-feed li')].some((li) => li.textContent === 'Ann ⚔ Bob'), null, { timeout: 10000 });
  });

  test('an unknown match says so in the banner', async (ctx) => {
    const page = await newPage(ctx);
    await page.goto(`${ctx.server.url}/?spectate=mNoSuchMatch`);
    await page.waitForFunction(() => /match_unknown/.test(document.querySelector('.spectate-banner')?.textContent ?? ''), null, { timeout: 15000 });
  });
});
