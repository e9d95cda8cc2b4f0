// The replay viewer in headless Chromium, asserting on what the page shows: a recording made in
// Node is served, the page seeks, and the players it drew are where Node's replay has them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { getStore, NetId, Player, Position, query, Score, type BattleEvent } from '../../engine';
import { hashWorld, replay } from '../../engine/replay';
import { within } from '../helpers';
import type { GameServer } from '../../net';
import { browserSuite, launchChromium } from './chromium';
import { closeThenCheckErrors } from './chromium';
import { buildClient, recordErrors, startServer } from './play-helpers';
import { recordScriptedMatch, type ScriptedRecording } from './replay-fixture';

interface Ctx {
  browser: Browser;
  server: GameServer;
  dir: string;
  recording: ScriptedRecording;
  errors: string[];
  page: Page;
}

/** A game server (recording into a temp folder) whose folder also holds `files` as finished recordings. */
async function serveReplays(files: Record<string, Uint8Array>): Promise<{ server: GameServer; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'skirmish-replays-'));
  for (const [id, bytes] of Object.entries(files)) {
    await writeFile(join(dir, `${id}.skr`), bytes);
    await writeFile(join(dir, `${id}.json`), JSON.stringify({ id, type: 'classic', startedAt: Date.now() }));
  }
  return { server: await startServer({ record: { dir } }), dir };
}

/** Where the page's renderer drew player bodies (alive and dead) in its last frame, sorted. */
function drawnBodies(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => {
    const scene = (window as any).skirmishReplay.renderer.three.scene;
    const out: [number, number][] = [];
    for (const mesh of scene.getObjectByName('players').children) {
      if (!mesh.isInstancedMesh || !mesh.visible || mesh.geometry.type !== 'CircleGeometry') continue;
      const m = mesh.instanceMatrix.array;
      for (let i = 0; i < mesh.count; i++) out.push([m[i * 16 + 12], m[i * 16 + 13]]);
    }
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  });
}

/** Player positions as Node's replay has them at `tick`, sorted like `drawnBodies`. */
function nodeBodies(bytes: Uint8Array, tick: number): [number, number][] {
  const r = replay(bytes);
  r.seek(tick);
  assert.is(r.tick, tick);
  if (tick > r.firstTick) assert.is(hashWorld(r.world), r.recordedHash(tick), `Node's replay matches the recorded hash at ${tick}`);
  const pos = getStore(r.world, Position);
  return [...query(r.world, [getStore(r.world, Player), pos])].map((e): [number, number] => [pos.x[e]!, pos.y[e]!])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

async function open(ctx: Ctx, id: string): Promise<Page> {
  const page = await (await ctx.browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
  recordErrors(page, ctx.errors);
  await page.goto(`${ctx.server.url}/replay.html?id=${id}`);
  await page.waitForFunction(() => (window as any).skirmishReplay?.state !== 'loading', null, { timeout: 15000 });
  ctx.page = page;
  return page;
}

async function ready(ctx: Ctx, id = 'match'): Promise<Page> {
  const page = await open(ctx, id);
  assert.is(await page.evaluate(() => (window as any).skirmishReplay.state), 'ready', await page.evaluate(() => (window as any).skirmishReplay.error));
  return page;
}

/** Waits until the page has drawn tick `tick` exactly (paused, not in between two ticks). */
async function drawn(page: Page, tick: number): Promise<void> {
  await page.waitForFunction((t) => {
    const d = (window as any).skirmishReplay;
    return d.player.tick === t && d.drawnTick === t && d.drawnExact && (d.seenFrames ??= d.frames) + 1 < d.frames && ((d.seenFrames = undefined), true);
  }, tick, { timeout: 10000 });
}

/** Seeks with the timeline the way a drag does (an `input` event), as a viewer would. */
async function scrubTo(page: Page, tick: number): Promise<void> {
  await page.$eval('[data-replay="scrub"]', (el, t) => {
    (el as HTMLInputElement).value = String(t);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, tick);
  await drawn(page, tick);
}

const text = (page: Page, selector: string): Promise<string> => page.$eval(selector, (el) => el.textContent ?? '');

/** Waits until `selector` shows `expected` (the bar redraws at the next frame). */
async function shows(page: Page, selector: string, expected: string): Promise<void> {
  await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, expected] as const, { timeout: 5000 })
    .catch(async () => assert.is(await text(page, selector), expected, selector));
}

browserSuite<Ctx>('replay viewer', (test) => {
  test.before(async (ctx) => {
    buildClient();
    ctx.recording = recordScriptedMatch({ seconds: 40 });
    const { bytes } = ctx.recording;
    const full = replay(bytes);
    // A live match: the file as it stands while still being written, cut mid-way.
    const cut = bytes.slice(0, Math.floor(bytes.length * 0.6));
    const corrupt = bytes.slice();
    for (let i = 0; i < 64; i++) corrupt[8 + i * 3] ^= 0x5a;
    assert.ok(full.checkpointTicks.length >= 3, `checkpoints every 10 s: ${full.checkpointTicks}`);
    ({ server: ctx.server, dir: ctx.dir } = await serveReplays({ match: bytes, live: cut, corrupt }));
    ctx.browser = await within(30_000, launchChromium(), 'launch Chromium');
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.dir) await rm(ctx.dir, { recursive: true, force: true });
  });
  test.before.each((ctx) => {
    ctx.errors = [];
  });
  test.after.each((ctx) => closeThenCheckErrors('replay viewer', ctx.errors, async () => {
    await ctx.page?.context().close();
  }));

  test('seeking to the middle draws every player where the recording has them, and reports the seek time', async (ctx) => {
    const page = await ready(ctx);
    const full = replay(ctx.recording.bytes);
    // Seeks once the background kill index covers the match: the engine's seek alone, as most seeks are.
    await page.waitForFunction((last) => (window as any).skirmishReplay.player.indexedTo === last, full.lastTick, { timeout: 15000 });
    const middle = full.checkpointTicks.find((t) => t >= (full.firstTick + full.lastTick) / 2) ?? full.checkpointTicks.at(-1)!;
    for (const tick of [middle, middle + 7, full.lastTick - 3, full.firstTick + 40]) {
      await scrubTo(page, tick);
      const drawnAt = await drawnBodies(page);
      const expected = nodeBodies(ctx.recording.bytes, tick);
      assert.ok(expected.length >= 5, `players at ${tick}`);
      assert.equal(drawnAt, expected, `drawn positions at tick ${tick}${tick === middle ? ' (a checkpoint)' : ''}`);
      const seekMs = await page.evaluate(() => (window as any).skirmishReplay.lastSeekMs);
      assert.ok(Number.isFinite(seekMs) && seekMs >= 0, `seek time measured: ${seekMs}`);
      assert.match(await text(page, '[data-replay="seek"]'), /^seek \d+\.\d ms$/);
      assert.match(await text(page, '[data-replay="time"]'), new RegExp(`· tick ${tick}$`));
      console.log(`  seek to tick ${tick}: ${seekMs.toFixed(1)} ms in the page (Chromium, SwiftShader)`);
    }
    assert.not.ok(await page.isVisible('#minimap'), 'no minimap on the classic map, shown whole');
    // The timeline marks the checkpoints.
    const marks = await page.$$eval('#replay-checkpoints option', (o) => o.map((x) => Number((x as HTMLOptionElement).value)));
    assert.equal(marks, full.checkpointTicks);
  });

  test('play advances the ticks; keys pause, step, change speed and jump to the ends', async (ctx) => {
    const page = await ready(ctx);
    const full = replay(ctx.recording.bytes);
    assert.match(await text(page, '.replay-help'), /Space play\/pause/);
    await page.keyboard.press('Space');
    await page.waitForFunction((t) => (window as any).skirmishReplay.drawnTick > t + 10, full.firstTick, { timeout: 10000 });
    assert.is(await page.getAttribute('[data-replay="play"]', 'aria-label'), 'Pause');
    await page.keyboard.press('Space');
    const paused = await page.evaluate(() => (window as any).skirmishReplay.player.tick as number);
    await drawn(page, paused);
    assert.is(await page.getAttribute('[data-replay="play"]', 'aria-label'), 'Play');
    await page.keyboard.press('ArrowRight');
    await drawn(page, paused + 30);
    await page.keyboard.press('Shift+ArrowLeft');
    await drawn(page, paused + 29);
    await page.keyboard.press('End');
    await drawn(page, full.lastTick);
    await page.keyboard.press('Home');
    await drawn(page, full.firstTick);
    await shows(page, '[data-replay="speed"]', '1×');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await shows(page, '[data-replay="speed"]', '4×');
    await page.click('[data-replay="slower"]');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await shows(page, '[data-replay="speed"]', '0.25×');
    for (let i = 0; i < 8; i++) await page.keyboard.press('+');
    await shows(page, '[data-replay="speed"]', '8×');
    // At 8× the last second before the end plays out and playback stops there.
    await scrubTo(page, full.lastTick - 30);
    await page.keyboard.press('Space');
    await drawn(page, full.lastTick);
    assert.is(await page.getAttribute('[data-replay="play"]', 'aria-label'), 'Play');
  });

  test('the kill feed and the scoreboard show the recorded names as of the tick; a name is followed', async (ctx) => {
    const page = await ready(ctx);
    const { bytes, names } = ctx.recording;
    // The first kill, found by stepping Node's replay.
    const r = replay(bytes);
    let kill: { tick: number; attacker: number; victim: number } | undefined;
    while (kill === undefined && r.tick < r.lastTick) {
      r.stepOne();
      const e = (r.world.events as BattleEvent[]).find((ev) => ev.type === 'kill');
      if (e?.type === 'kill') kill = { tick: r.tick, attacker: getStore(r.world, NetId).id[e.attacker]!, victim: getStore(r.world, NetId).id[e.victim]! };
    }
    assert.ok(kill !== undefined, 'the scripted match has a kill');
    await scrubTo(page, kill.tick + 15);
    const line = `${names.get(kill.attacker)} ⚔ ${names.get(kill.victim)}`;
    await page.waitForFunction((l) => [...document.querySelectorAll('.replay-feed li')].some((li) => li.textContent === l), line, { timeout: 5000 });
    // Before the kill, it is not in the feed.
    await scrubTo(page, kill.tick - 1);
    await page.waitForFunction((l) => ![...document.querySelectorAll('.replay-feed li')].some((li) => li.textContent === l), line, { timeout: 5000 });
    // The scoreboard: names and kills/deaths as Node's replay has them at the same tick.
    const tick = kill.tick + 60;
    await scrubTo(page, tick);
    const at = replay(bytes);
    at.seek(tick);
    const score = getStore(at.world, Score);
    const ids = getStore(at.world, NetId);
    const expected = [...query(at.world, [getStore(at.world, Player), score])]
      .sort((a, b) => score.kills[b]! - score.kills[a]! || score.deaths[a]! - score.deaths[b]! || ids.id[a]! - ids.id[b]!)
      .map((e) => `${names.get(ids.id[e]!)} ${score.kills[e]} / ${score.deaths[e]}`);
    await page.waitForFunction((rows) => {
      const shown = [...document.querySelectorAll('.replay-board li')].map((li) => `${li.querySelector('.who')!.textContent} ${li.querySelector('.kd')!.textContent}`);
      return JSON.stringify(shown) === JSON.stringify(rows);
    }, expected, { timeout: 5000 }).catch(async () => {
      assert.equal(await page.$$eval('.replay-board li', (lis) => lis.map((li) => li.textContent)), expected, 'scoreboard');
    });
    // Clicking a name follows that player: the camera centres on it.
    const victimName = names.get(kill.victim)!;
    await page.click(`.replay-board li:has(.who:text-is("${victimName}"))`);
    await page.waitForFunction((id) => (window as any).skirmishReplay.view.followed === id, kill.victim);
    const victimEid = [...query(at.world, [ids])].find((e) => ids.id[e] === kill!.victim)!;
    const victimAt = { x: getStore(at.world, Position).x[victimEid]!, y: getStore(at.world, Position).y[victimEid]! };
    await page.waitForFunction(([x, y]) => {
      const v = (window as any).skirmishReplay.renderer.view;
      // Centred on it, or held at the map's edge when it stands near one.
      return Math.abs(v.cx - x) < 1e-3 || Math.abs(v.cy - y) < 1e-3;
    }, [victimAt.x, victimAt.y] as const, { timeout: 5000 });
    assert.ok(await page.evaluate(() => (window as any).skirmishReplay.renderer.view.halfW * 2 < 100), 'zoomed in on the player');
    assert.is(await page.$eval('.replay-board li.me .who', (el) => el.textContent), victimName, 'its row is marked');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => (window as any).skirmishReplay.view.followed === undefined);
    await page.waitForFunction(() => (window as any).skirmishReplay.renderer.view.cx === 50, null, { timeout: 5000 });
    // F cycles through the players by NetId.
    await page.keyboard.press('f');
    const first = await page.evaluate(() => (window as any).skirmishReplay.view.followed);
    await page.keyboard.press('f');
    assert.ok((await page.evaluate(() => (window as any).skirmishReplay.view.followed)) > first, 'the next player');
  });

  test('the wheel zooms the free camera in and out to the whole map; a drag pans it', async (ctx) => {
    const page = await ready(ctx);
    await drawn(page, replay(ctx.recording.bytes).firstTick);
    const before = await page.evaluate(() => ({ ...(window as any).skirmishReplay.renderer.view }));
    await page.mouse.move(500, 350);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((w) => (window as any).skirmishReplay.renderer.view.halfW < w * 0.8, before.halfW, { timeout: 5000 });
    const zoomed = await page.evaluate(() => ({ ...(window as any).skirmishReplay.renderer.view }));
    await page.mouse.down();
    await page.mouse.move(400, 350, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((cx) => (window as any).skirmishReplay.renderer.view.cx > cx + 1, zoomed.cx, { timeout: 5000 });
    await page.mouse.wheel(0, 2000);
    await page.waitForFunction((w) => (window as any).skirmishReplay.renderer.view.halfW === w, before.halfW, { timeout: 5000 });
  });

  test('a recording still being written plays what is complete', async (ctx) => {
    const page = await ready(ctx, 'live');
    const cut = await page.evaluate(() => {
      const r = (window as any).skirmishReplay.replay;
      return { truncated: r.truncated as boolean, lastTick: r.lastTick as number };
    });
    const full = replay(ctx.recording.bytes);
    assert.ok(cut.truncated, 'marked truncated');
    assert.ok(cut.lastTick > full.firstTick && cut.lastTick < full.lastTick, `plays up to ${cut.lastTick} of ${full.lastTick}`);
    assert.match(await text(page, '.replay-help'), /still being written/);
    await page.keyboard.press('End');
    await drawn(page, cut.lastTick);
    assert.equal(await drawnBodies(page), nodeBodies(ctx.recording.bytes, cut.lastTick));
  });

  test('a missing or corrupt recording shows a clear error, not a crash', async (ctx) => {
    for (const [id, pattern] of [['nope', /no replay "nope"/], ['corrupt', /cannot be played: the file is damaged/]] as const) {
      const page = await open(ctx, id);
      assert.is(await page.evaluate(() => (window as any).skirmishReplay.state), 'error');
      assert.ok(await page.isVisible('#replay-error'));
      assert.match(await text(page, '#replay-error [data-replay="message"]'), pattern);
      await page.context().close();
    }
    // The 404 of the missing file is the one console error Chromium prints by itself.
    ctx.errors = ctx.errors.filter((e) => !/404/.test(e));
  });

  test('the list of replays links each recording to the viewer', async (ctx) => {
    const page = await (await ctx.browser.newContext()).newPage();
    recordErrors(page, ctx.errors);
    ctx.page = page;
    await page.goto(`${ctx.server.url}/replays.html`);
    await page.waitForSelector('.replays-list table:not([hidden])', { timeout: 10000 });
    const links = await page.$$eval('.replays-list tbody a[href^="replay.html"]', (as) => as.map((a) => a.textContent));
    // The server's own default match is recorded too, and listed first (newest, live).
    for (const id of ['corrupt', 'live', 'match']) assert.ok(links.includes(id), `${id} in ${links}`);
    await page.click('.replays-list a[href="replay.html?id=match"]');
    await page.waitForFunction(() => (window as any).skirmishReplay?.state === 'ready', null, { timeout: 15000 });
  });
});
