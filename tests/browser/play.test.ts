// Playing the built game in Chromium: the start screen, taps that last less than a frame, the
// death screen. Neighbours are Node clients of the same server.
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { getStore, Health } from '../../engine';
import { sleep, waitFor } from '../helpers';
import { defaultStyle as S } from '../../render';
import { browserSuite, colorNear, hexOf } from './chromium';
import { addBot, eidOf, newPage, openGame, place, self, serverHp, serverPosition, teleportAndSettle, waitForPlayer, waitSeen, type PlayCtx, playHooks } from './play-helpers';

/** Waits for the HUD (refreshed ten times a second) to show the own name. */
async function hudName(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => document.querySelector('[data-hud="name"]')?.textContent === n, name, { timeout: 3000 });
}

browserSuite<PlayCtx>('playing in the browser', (test) => {
  playHooks(test);

  test('start screen: focused name field, bad names refused, Enter plays with the cleaned name', async (ctx) => {
    const page = await newPage(ctx);
    await page.goto(ctx.server.url + '/');
    await page.locator('#start').waitFor();
    assert.is(await page.evaluate(() => document.activeElement?.id), 'start-name', 'the name field has the focus');
    assert.is(await page.evaluate(() => (window as any).skirmish.client), undefined, 'not connected before Play');
    assert.is(ctx.server.match.sessions.byToken.size, 0);

    await page.keyboard.type('   ');
    await page.keyboard.press('Enter');
    assert.match((await page.locator('.start-error').textContent())!, /1 to 16/);
    await page.locator('#start-name').fill('Seventeen letters');
    await page.keyboard.press('Enter');
    assert.match((await page.locator('.start-error').textContent())!, /1 to 16/, '17 characters is too long');
    assert.is(ctx.server.match.sessions.byToken.size, 0, 'still not playing');

    // Bidi override, NUL, right-to-left mark, zero-width space, runs of spaces: all cleaned away.
    await page.locator('#start-name').fill('  \u202eAl\u0000ice\u200f \u200b  Cooper ');
    await page.keyboard.press('Enter');
    await waitForPlayer(page);
    assert.is(await page.locator('#start').count(), 0, 'start screen gone');
    await hudName(page, 'Alice Cooper');
    await page.waitForFunction(() => document.querySelector('.hud-board li.me .who')?.textContent === 'Alice Cooper');
    assert.is(ctx.server.match.sessions.byToken.size, 1);

    // A reload of a playing tab resumes the same player without asking again.
    const before = await self(page);
    await page.reload();
    await waitForPlayer(page);
    assert.is(await page.locator('#start').count(), 0, 'no start screen on reload');
    assert.is((await self(page)).id, before.id, 'same player after reload');
    await hudName(page, 'Alice Cooper');
  });

  test('?name= skips the start screen; an invalid one is offered on it', async (ctx) => {
    const page = await openGame(ctx, '?name=%20Bob%E2%80%AE%20');
    assert.is(await page.locator('#start').count(), 0);
    await hudName(page, 'Bob');
    const other = await newPage(ctx);
    await other.goto(ctx.server.url + '/?name=' + 'x'.repeat(20));
    await other.locator('#start').waitFor();
    assert.is(await other.locator('#start-name').inputValue(), 'x'.repeat(20));
  });

  test("names: each player sees the other's name above it and on the scoreboard", async (ctx) => {
    const alice = await openGame(ctx, '?name=Alice');
    const bob = await openGame(ctx, '?name=Bob');
    const a = await self(alice);
    const b = await self(bob);
    await teleportAndSettle(ctx.server, alice, { ...a, x: 40, y: 50 }, { ...b, x: 60, y: 50 });
    await alice.locator('.name-label', { hasText: 'Bob' }).waitFor({ timeout: 5000 });
    await bob.locator('.name-label', { hasText: 'Alice' }).waitFor({ timeout: 5000 });
    // The label sits above Bob's body: left of the screen centre is Alice, right is Bob.
    const box = (await alice.locator('.name-label', { hasText: 'Bob' }).boundingBox())!;
    const own = (await alice.locator('.name-label', { hasText: 'Alice' }).boundingBox())!;
    assert.ok(box.x > own.x, `Bob's label (x ${box.x}) right of Alice's (x ${own.x})`);
    assert.ok(Math.abs(box.y - own.y) < 2, 'both labels at the same height');
    await alice.waitForFunction(() => document.body.innerText.includes('Bob'), null, { timeout: 5000 });
    const board = await alice.evaluate(() => (document.querySelector('#hud') as HTMLElement).innerText);
    assert.match(board, /Bob/, 'Bob on Alice\'s scoreboard');
  });

  test('a Space tap shorter than a frame attacks once and hits the neighbour', async (ctx) => {
    const page = await openGame(ctx);
    const me = await self(page);
    const victim = await addBot(ctx);
    await teleportAndSettle(ctx.server, page, { ...me, x: 50, y: 50 }, { ...victim.welcome!, x: 56, y: 50 });
    await page.keyboard.press('Space'); // key down and up in the same frame
    await waitFor(() => serverHp(ctx.server, victim.welcome!.sid) < 100, 5000, 'the tap to hit');
    await waitFor(() => getStore(victim.world, Health).hp[victim.localEntity!] === 90, 3000, 'the victim to see it');
    await sleep(1200); // more than two cooldowns: a latched key that stuck would hit again
    assert.is(serverHp(ctx.server, victim.welcome!.sid), 90, 'exactly one hit');
    assert.is(serverHp(ctx.server, me.sid), 100, 'no self-hit');
  });

  test("a Space hit flashes the victim red on the attacker's screen, then it is blue again", async (ctx) => {
    // ?capture keeps the drawn frame readable, so the page can read the victim's centre after each frame.
    const page = await openGame(ctx, '?name=Hitter&capture=1');
    const me = await self(page);
    const victim = await addBot(ctx, 'Target');
    await teleportAndSettle(ctx.server, page, { ...me, x: 50, y: 50 }, { ...victim.welcome!, x: 56, y: 50 });
    // Every frame, the colour drawn at the victim's centre: the flash lasts 150 ms, shorter than a
    // screenshot round trip on a busy machine.
    await page.evaluate((id) => {
      const { renderer, client } = (window as any).skirmish;
      const three = renderer.three.renderer;
      const gl: WebGL2RenderingContext = three.getContext();
      const pos = [...client.world.stores.entries()].find(([def]: [any]) => def.name === 'Position')![1];
      const samples: number[][] = ((window as any).victimColors = []);
      // A property, not a named function: tsx would wrap a named one in a helper the page lacks.
      (window as any).victimProbe = (): void => {
        const eid = client.world.entities.get(id);
        if (eid !== undefined) {
          const at = renderer.toScreen(pos.x[eid], pos.y[eid]);
          const ratio = three.getPixelRatio();
          const rgba = new Uint8Array(4);
          gl.readPixels(Math.round(at.x * ratio), gl.drawingBufferHeight - 1 - Math.round(at.y * ratio), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
          samples.push([rgba[0]!, rgba[1]!, rgba[2]!]);
        }
        requestAnimationFrame((window as any).victimProbe);
      };
      requestAnimationFrame((window as any).victimProbe);
    }, victim.welcome!.id);
    const colors = (): Promise<number[][]> => page.evaluate(() => (window as any).victimColors);
    await page.waitForFunction(() => (window as any).victimColors.length >= 3, null, { timeout: 5000 });
    const isRed = (c: number[]): boolean => c[0]! > 150 && c[0]! > c[2]! + 60;
    const before = await colors();
    assert.ok(before.every((c) => colorNear(c, S.player)), `blue before the hit: ${before.slice(-3).map(hexOf).join(' ')}`);
    const seen = before.length;
    await page.keyboard.press('Space');
    await waitFor(() => serverHp(ctx.server, victim.welcome!.sid) === 90, 5000, 'the tap to hit');
    await page.waitForFunction(([seen]) => (window as any).victimColors.slice(seen).some((c: number[]) => c[0] > 150 && c[0] > c[2] + 60), [seen], { timeout: 5000 })
      .catch(() => undefined);
    const after = (await colors()).slice(seen);
    const flashed = after.findIndex(isRed);
    assert.ok(flashed >= 0, `the victim flashed red: ${after.slice(-12).map(hexOf).join(' ')}`);
    // Back to its own colour once the flash is over.
    await page.waitForFunction(([from]) => {
      const c = (window as any).victimColors.slice(from).at(-1);
      return c !== undefined && c[2] > 200 && c[0] < 100;
    }, [seen + flashed + 1], { timeout: 5000 });
  });

  test('the kill feed shows KILLER ⚔ VICTIM when the player kills a neighbour', async (ctx) => {
    const page = await openGame(ctx, '?name=Killer');
    const me = await self(page);
    const victim = await addBot(ctx, 'Victim');
    await teleportAndSettle(ctx.server, page, { ...me, x: 50, y: 50 }, { ...victim.welcome!, x: 55, y: 50 });
    getStore(ctx.server.match.world, Health).hp[eidOf(ctx.server, victim.welcome!.sid)] = 10;
    await page.keyboard.press('Space');
    await waitFor(() => serverHp(ctx.server, victim.welcome!.sid) <= 0, 5000, 'the tap to kill');
    const feed = page.locator('.hud-feed li', { hasText: 'Victim' });
    await feed.first().waitFor({ timeout: 5000 });
    assert.is(await feed.first().textContent(), 'Killer ⚔ Victim', 'killer first, then the victim, by name');
    assert.is(await page.locator('.hud-feed li').count(), 1, 'one kill, one line');
  });

  test('an arrow tap moves the player at least one tick, and no further than a short step', async (ctx) => {
    const page = await openGame(ctx);
    const me = await self(page);
    place(ctx.server, me.sid, 50, 50);
    await waitSeen(page, me.id, 50, 50);
    await page.waitForFunction(() => {
      const p = (window as any).skirmish.client.predicted;
      return Math.abs(p.x - 50) < 0.01 && Math.abs(p.y - 50) < 0.01;
    });
    // Log when the page sends each input: how long the tap was held is the page's to decide (its
    // release waits for the main thread, which a slow SwiftShader frame can hold for a while).
    await page.evaluate(() => {
      const client = (window as any).skirmish.client;
      const send = client.sendInput.bind(client);
      const log: { atMs: number; mx: number }[] = ((window as any).sentInputs = []);
      client.sendInput = (input: { mx: number }) => {
        log.push({ atMs: performance.now(), mx: input.mx });
        return send(input);
      };
    });
    await page.keyboard.press('ArrowRight');
    const tickMs = 1000 / 30;
    const oneTick = 25 / 30; // speed × tick
    try {
      await waitFor(() => serverPosition(ctx.server, me.sid).x >= 50 + oneTick - 1e-3, 5000, 'the tap to move the player');
    } catch (error) {
      // Say what the page sent and when: a press and release the server read in one tick (its
      // event loop stalled past the hold) cancel out, which is not what a missing send is.
      const sentLog = await page.evaluate(() => (window as any).sentInputs);
      throw new Error(`${(error as Error).message}; the page sent ${JSON.stringify(sentLog)}; the server has the player at ${JSON.stringify(serverPosition(ctx.server, me.sid))}`);
    }
    await sleep(600);
    const after = serverPosition(ctx.server, me.sid);
    const sent: { atMs: number; mx: number }[] = await page.evaluate(() => (window as any).sentInputs);
    const pressedAt = sent.find((s) => s.mx === 1)?.atMs ?? Number.NaN;
    const releasedAt = sent.find((s) => s.atMs > pressedAt && s.mx === 0)?.atMs ?? Number.NaN;
    const heldMs = releasedAt - pressedAt;
    assert.ok(heldMs >= 1.5 * tickMs - 1, `the tap was held ${heldMs.toFixed(0)} ms, at least a tick and a half`);
    // Arrival jitter can move the press and the release by a tick each.
    const mostTicks = Math.ceil(heldMs / tickMs) + 2;
    assert.ok(after.x >= 50 + oneTick - 1e-3 && after.x <= 50 + mostTicks * oneTick + 1e-3,
      `moved ${(after.x - 50).toFixed(3)} units right, held ${heldMs.toFixed(0)} ms (at most ${mostTicks} ticks)`);
    assert.is(after.y, 50, 'straight right');
    await sleep(300);
    assert.is(serverPosition(ctx.server, me.sid).x, after.x, 'stopped');
    // The page draws itself where the server has it.
    await page.waitForFunction((x) => Math.abs((window as any).skirmish.client.predicted.x - x) < 0.05, after.x);
  });

  test('focus loss releases held keys', async (ctx) => {
    const page = await openGame(ctx);
    const me = await self(page);
    place(ctx.server, me.sid, 20, 50);
    await waitSeen(page, me.id, 20, 50);
    await page.keyboard.down('ArrowRight');
    await waitFor(() => serverPosition(ctx.server, me.sid).x > 22, 5000, 'walking right');
    await page.evaluate(() => window.dispatchEvent(new Event('blur')));
    await sleep(400);
    const x = serverPosition(ctx.server, me.sid).x;
    await sleep(400);
    assert.is(serverPosition(ctx.server, me.sid).x, x, 'stopped after the blur');
    await page.keyboard.up('ArrowRight');
  });

  test('death screen: killer, score, a countdown to the respawn, gone once back', async (ctx) => {
    const page = await openGame(ctx);
    const me = await self(page);
    const killer = await addBot(ctx, 'Slayer');
    await teleportAndSettle(ctx.server, page, { ...me, x: 50, y: 50 }, { ...killer.welcome!, x: 55, y: 50 });
    getStore(ctx.server.match.world, Health).hp[eidOf(ctx.server, me.sid)] = 10;
    killer.sendInput({ mx: 0, my: 0, attack: true });
    await page.locator('#death').waitFor({ state: 'visible', timeout: 5000 });
    assert.is(await page.locator('[data-death="killer"]').textContent(), 'Slayer', 'the killer by the name the server announced');
    assert.is(await page.locator('[data-death="score"]').textContent(), '0 kills · 1 death');
    const countdown = async (): Promise<number> => Number.parseFloat((await page.locator('[data-death="countdown"]').textContent())!);
    // The countdown is drawn from the next frame on.
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-death="countdown"]')?.textContent ?? ''), null, { timeout: 3000 });
    const first = await countdown();
    assert.ok(first > 1.5 && first <= 3.0, `countdown starts near the 3 s respawn delay: ${first}`);
    await sleep(700);
    const second = await countdown();
    assert.ok(second < first - 0.3 && second >= 0, `counts down: ${first} then ${second}`);
    await page.locator('#death').waitFor({ state: 'hidden', timeout: 6000 });
    assert.is(serverHp(ctx.server, me.sid), 100, 'respawned');
    assert.is(await page.locator('[data-hud="kd"]').textContent(), '0 / 1');
  });
});
