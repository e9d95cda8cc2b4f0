// Determinism across engines: the same recording replayed by Node's V8 here and by headless
// Chromium's engine (the viewer's own bundle, minified as shipped) gives the same hash of the whole
// world at every tick, and both equal the hashes recorded with it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { hashWorld, replay } from '../../engine/replay';
import type { GameServer } from '../../net';
import { within } from '../helpers';
import { browserSuite, launchChromium } from './chromium';
import { buildClient, recordErrors, startServer } from './play-helpers';
import { recordScriptedMatch } from './replay-fixture';

interface Ctx {
  browser: Browser;
  server: GameServer;
  dir: string;
  bytes: Uint8Array;
}

browserSuite<Ctx>('replay determinism across engines', (test) => {
  test.before(async (ctx) => {
    buildClient();
    ctx.bytes = recordScriptedMatch({ seconds: 60, players: 8, seed: 29 }).bytes;
    ctx.dir = await mkdtemp(join(tmpdir(), 'skirmish-determinism-'));
    await writeFile(join(ctx.dir, 'match.skr'), ctx.bytes);
    ctx.server = await startServer({ record: { dir: ctx.dir } });
    ctx.browser = await within(30_000, launchChromium(), 'launch Chromium');
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.dir) await rm(ctx.dir, { recursive: true, force: true });
  });

  test('every tick hashes the same in Node and in Chromium, and as recorded', async (ctx) => {
    const node: number[] = [];
    const recorded: (number | undefined)[] = [];
    const r = replay(ctx.bytes);
    for (;;) {
      node.push(hashWorld(r.world));
      // The first tick is the opening checkpoint: the recorder hashes after each step.
      if (r.tick > r.firstTick) recorded.push(r.recordedHash(r.tick));
      if (r.tick >= r.lastTick) break;
      r.stepOne();
    }
    assert.is(node.length, r.lastTick - r.firstTick + 1);
    assert.ok(node.length >= 60 * 30, `${node.length} ticks`);
    assert.equal(node.slice(1), recorded, 'Node reproduces the recorded hashes');

    const errors: string[] = [];
    const page = await (await ctx.browser.newContext()).newPage();
    recordErrors(page, errors);
    await page.goto(`${ctx.server.url}/replay.html?id=match`);
    await page.waitForFunction(() => (window as any).skirmishReplay?.state === 'ready', null, { timeout: 15000 });
    // A fresh replay of the fetched bytes in the page's engine (not the one the viewer plays).
    // No named functions inside: a TypeScript loader may wrap them in helpers the page lacks.
    const browser = await page.evaluate(() => {
      const { engine, bytes } = (window as any).skirmishReplay;
      const rep = engine.replay(bytes);
      const out: number[] = [];
      for (;;) {
        out.push(engine.hashWorld(rep.world));
        if (rep.tick >= rep.lastTick) break;
        rep.stepOne();
      }
      return { hashes: out, agent: navigator.userAgent };
    });
    await page.context().close();
    assert.equal(errors, []);
    const first = browser.hashes.findIndex((h, i) => h !== node[i]);
    assert.is(first, -1, `first differing tick: ${r.firstTick + first}`);
    assert.equal(browser.hashes, node);
    console.log(`  ${node.length} ticks: identical world hashes in Node ${process.version} and ${/Chrome\/[\d.]+/.exec(browser.agent)?.[0] ?? 'Chromium'}`);
  });
});
