// Issue 11's "done when", end to end: a match played in two browser tabs against the real server
// is listed at /replays, downloads, and is watched at /replay.html, first while it is still being
// recorded (what is written so far plays), then finished, with seeking: the players drawn at the
// middle tick are where Node's replay of the downloaded file has them, under the names they chose.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { getStore, Player, Position, query } from '../../engine';
import { replay } from '../../engine/replay';
import { browserSuite } from './chromium';
import { newPage, openGame, playHooks, type PlayCtx } from './play-helpers';

const dir = mkdtempSync(join(tmpdir(), 'skirmish-replay-match-'));

interface Listing {
  id: string;
  live: boolean;
  bytes: number;
  type?: string;
}

/** Polls the async `check` until it gives a value or `ms` passes. */
async function poll<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function listings(ctx: PlayCtx): Promise<Listing[]> {
  return (await (await fetch(`${ctx.server.url}/replays`)).json()) as Listing[];
}

async function download(ctx: PlayCtx, id: string): Promise<Uint8Array> {
  const response = await fetch(`${ctx.server.url}/replays/${id}`);
  assert.is(response.status, 200);
  return new Uint8Array(await response.arrayBuffer());
}

/** Walks a tab's player with a held key and attacks, as a player would. */
async function play(page: Page, key: string): Promise<void> {
  await page.keyboard.down(key);
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Space');
    await page.waitForTimeout(150);
  }
  await page.keyboard.up(key);
}

async function openViewer(ctx: PlayCtx, id: string): Promise<Page> {
  const page = await newPage(ctx, { viewport: { width: 1000, height: 700 } });
  await page.goto(`${ctx.server.url}/replay.html?id=${id}`);
  await page.waitForFunction(() => (window as any).skirmishReplay?.state !== 'loading', null, { timeout: 30000 });
  assert.is(await page.evaluate(() => (window as any).skirmishReplay.state), 'ready', await page.evaluate(() => (window as any).skirmishReplay.error));
  return page;
}

/** Seeks the viewer with its timeline and returns the body positions its renderer drew, sorted. */
async function drawnAt(page: Page, tick: number): Promise<[number, number][]> {
  await page.$eval('[data-replay="scrub"]', (el, t) => {
    (el as HTMLInputElement).value = String(t);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, tick);
  await page.waitForFunction((t) => {
    const d = (window as any).skirmishReplay;
    return d.drawnTick === t && d.drawnExact && ((d.mark ??= d.frames) < d.frames - 1 ? ((d.mark = undefined), true) : false);
  }, tick, { timeout: 10000 });
  return page.evaluate(() => {
    const out: [number, number][] = [];
    for (const mesh of (window as any).skirmishReplay.renderer.three.scene.getObjectByName('players').children) {
      if (!mesh.isInstancedMesh || !mesh.visible || mesh.geometry.type !== 'CircleGeometry') continue;
      for (let i = 0; i < mesh.count; i++) out.push([mesh.instanceMatrix.array[i * 16 + 12], mesh.instanceMatrix.array[i * 16 + 13]]);
    }
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  });
}

function nodeAt(bytes: Uint8Array, tick: number): [number, number][] {
  const r = replay(bytes);
  r.seek(tick);
  const pos = getStore(r.world, Position);
  return [...query(r.world, [getStore(r.world, Player), pos])].map((e): [number, number] => [pos.x[e]!, pos.y[e]!])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

browserSuite<PlayCtx>('replay of a match played in two tabs', (test) => {
  // Arena matches (unlike the server's default match) are disposed once empty: the file then finishes.
  playHooks(test, { record: { dir }, emptyDisposeMs: 300, graceMs: 300 });
  test.after(() => rmSync(dir, { recursive: true, force: true }));

  test('listed while live and watched as far as written; then finished, downloaded and watched with seeking', async (ctx) => {
    const alice = await openGame(ctx, '?name=Alice&type=arena');
    const bob = await openGame(ctx, '?name=Bob&type=arena');
    await Promise.all([play(alice, 'ArrowRight'), play(bob, 'ArrowDown')]);
    const live = await poll(async () => (await listings(ctx)).find((l) => l.type === 'arena' && l.bytes > 0), 10000, 'a recording listed');
    assert.ok(live.live, 'the match is still being recorded');

    // While live: the viewer plays what is written so far.
    const early = await openViewer(ctx, live.id);
    const earlyLast = await early.evaluate(() => (window as any).skirmishReplay.replay.lastTick as number);
    assert.ok(earlyLast > 0, `ticks written so far: ${earlyLast}`);
    assert.match(await early.$eval('.replay-help', (el) => el.textContent ?? ''), /still being written/);
    await early.context().close();

    // Both leave; the empty match is disposed and its file finished.
    await alice.context().close();
    await bob.context().close();
    await poll(async () => (await listings(ctx)).find((l) => l.id === live.id && !l.live), 15000, 'the recording finished');
    const bytes = await download(ctx, live.id);
    const full = replay(bytes);
    assert.ok(full.ended, 'the finished file has its end marker');
    assert.ok(full.lastTick > earlyLast);

    const viewer = await openViewer(ctx, live.id);
    assert.ok(await viewer.isVisible('#minimap'), 'the arena (1000 × 1000) gets a minimap');
    // The ticks both tabs' players were in the match (it went on, empty, until disposed).
    const both: number[] = [];
    for (const r = replay(bytes); r.tick < r.lastTick; r.stepOne()) if (query(r.world, [getStore(r.world, Player)]).length === 2) both.push(r.tick);
    assert.ok(both.length > 30, `${both.length} ticks with both players`);
    const middle = both[Math.floor(both.length / 2)]!;
    for (const tick of [middle, middle + 11, both.at(-1)!]) {
      const drawn = await drawnAt(viewer, tick);
      const expected = nodeAt(bytes, tick);
      assert.is(expected.length, 2, `both players at ${tick}`);
      assert.equal(drawn, expected, `drawn positions at tick ${tick}`);
    }
    // Both tabs' players are on the scoreboard under the names they chose.
    await viewer.waitForFunction(() => {
      const names = [...document.querySelectorAll('.replay-board .who')].map((e) => e.textContent);
      return names.includes('Alice') && names.includes('Bob');
    }, null, { timeout: 5000 });
    const seekMs = await viewer.evaluate(() => (window as any).skirmishReplay.lastSeekMs as number);
    assert.ok(Number.isFinite(seekMs));
    console.log(`  ${full.lastTick - full.firstTick} ticks recorded from two tabs, ${bytes.length} bytes; seek ${seekMs.toFixed(1)} ms in the page`);
  });
});
