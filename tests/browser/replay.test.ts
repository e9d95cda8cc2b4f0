// The replay API in Chromium: a recording made in Node replays there to the same hashes, and one
// made there is byte for byte the recording Node makes of the same match.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { verifyReplay } from '../../engine/replay';
import { within } from '../helpers';
import { recordTestMatch } from '../engine/replay-match';
import { browserSuite, launchChromium, servePage, type StaticServer } from './chromium';

interface Ctx {
  browser: Browser;
  server: StaticServer;
  page: Page;
  errors: string[];
}

const fixture = fileURLToPath(new URL('./fixtures/replay-page.ts', import.meta.url));

browserSuite<Ctx>('replay in the browser', (test) => {
  test.before(async (ctx) => {
    ctx.server = await within(60_000, servePage(fixture, 'replay test'), 'bundle replay page');
    ctx.browser = await within(30_000, launchChromium(), 'launch Chromium');
    ctx.errors = [];
    ctx.page = await ctx.browser.newPage();
    ctx.page.on('pageerror', (error) => ctx.errors.push(`pageerror: ${error.message}`));
    await ctx.page.goto(ctx.server.url);
    await ctx.page.waitForFunction(() => 'replayTest' in window, undefined, { timeout: 30_000 });
  });
  test.after(async (ctx) => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });

  test('a recording made in Node verifies in Chromium, every tick to the same hash', async ({ page, errors }) => {
    const match = recordTestMatch({ ticks: 600, checkpointEveryTicks: 100 });
    const bytes = Array.from(match.bytes);
    const result = await page.evaluate((b) => window.replayTest.verify(b), bytes);
    assert.is(result.error, undefined);
    assert.ok(result.ok);
    assert.is(result.ticks, 600);
    const hashes = await page.evaluate((b) => window.replayTest.hashes(b), bytes);
    assert.equal(hashes, [...match.hashes.values()]);
    assert.equal(errors, []);
  });

  test('a recording made in Chromium is byte for byte the one Node makes, and verifies in Node', async ({ page, errors }) => {
    const fromPage = Uint8Array.from(await page.evaluate(() => window.replayTest.record(600)));
    const fromNode = recordTestMatch({ ticks: 600, checkpointEveryTicks: 100 }).bytes;
    assert.is(fromPage.length, fromNode.length);
    assert.ok(fromPage.every((b, i) => b === fromNode[i]), 'identical bytes');
    assert.ok(verifyReplay(fromPage).ok);
    assert.equal(errors, []);
  });
});
