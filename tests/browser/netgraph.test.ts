// The net graph in Chromium, over the network conditioner (?lag=150&jitter=20): what it shows is
// read from the page as a player would read it.
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';
import { sleep } from '../helpers';
import { browserSuite } from './chromium';
import { openGame, type PlayCtx, playHooks } from './play-helpers';

const text = async (page: Page, key: string): Promise<string> => (await page.locator(`[data-net="${key}"] .netgraph-value`).textContent()) ?? '';
const number = async (page: Page, key: string): Promise<number> => Number.parseFloat((await text(page, key)).replace(/[^0-9.]/g, ''));

browserSuite<PlayCtx>('net graph in the browser', (test) => {
  playHooks(test);

  test('?netgraph=1 over ?lag=150&jitter=20: ping near 150, live traffic, sparklines; N toggles it', async (ctx) => {
    const page = await openGame(ctx, '?name=Net&lag=150&jitter=20&netgraph=1');
    const graph = page.locator('#netgraph');
    await graph.waitFor({ state: 'visible', timeout: 5000 });
    await page.waitForFunction(() => (window as any).skirmish.client.clock.samples >= 5, null, { timeout: 10000 });
    // Walk a little so both directions carry traffic beyond the heartbeats.
    await page.keyboard.down('ArrowRight');
    await sleep(800);
    await page.keyboard.up('ArrowRight');
    await sleep(700);
    // 150 ms simulated. The probe's answer waits for the page's main thread (a SwiftShader frame on
    // a busy machine can take tens of ms), so allow for that, and for the smoothed value to settle.
    const near = await page.waitForFunction(() => {
      const v = Number.parseFloat(document.querySelector('[data-net="ping"] .netgraph-value')?.textContent ?? '');
      return v >= 130 && v <= 260 ? v : false;
    }, null, { timeout: 20000, polling: 250 }).catch(async () => number(page, 'ping'));
    const ping = typeof near === 'number' ? near : Number(await near.jsonValue());
    assert.ok(ping >= 130 && ping <= 260, `ping ${ping} ms (150 ms round trip simulated)`);
    assert.match(await text(page, 'ping'), /^\d+ ms$/);
    assert.ok((await number(page, 'fps')) > 0, 'fps');
    assert.ok((await number(page, 'updates')) >= 2, `updates ${await text(page, 'updates')}`);
    assert.match(await text(page, 'down'), /^\d+(\.\d)? k?B\/s$/);
    assert.ok((await number(page, 'down')) > 0 && (await number(page, 'up')) > 0, `down ${await text(page, 'down')}, up ${await text(page, 'up')}`);
    const interp = await number(page, 'interp');
    assert.ok(interp >= 33 && interp <= 400, `interpolation delay ${interp} ms`);
    assert.ok((await number(page, 'jitter')) >= 0, 'jitter');
    assert.match(await text(page, 'corrections'), /^\d+\/s( · \d+\.\d\d u)?$/);
    assert.match(await text(page, 'late'), /^\d+ · \d+ \/10 s$/);
    assert.match(await text(page, 'tick'), /^\d+\.\d\d ms$/, 'server tick: reported with the clock probes');
    // Sparklines: the ping line has been drawn.
    // The line grows one probe answer at a time (a few a second, fewer on a loaded machine): wait
    // for enough of it rather than sampling it once.
    const inkedPixels = (): number => {
      const canvas = document.querySelector('[data-net="ping"] canvas') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    };
    await page.waitForFunction(`(${inkedPixels.toString()})() > 20`, null, { timeout: 15000, polling: 250 }).catch(() => undefined);
    const inked = await page.evaluate(inkedPixels);
    assert.ok(inked > 20, `${inked} pixels of ping sparkline`);
    // N closes and reopens it (the canvas has the focus, as when playing).
    await page.keyboard.press('n');
    await graph.waitFor({ state: 'hidden' });
    await page.keyboard.press('n');
    await graph.waitFor({ state: 'visible' });
  });

  test('without ?netgraph the graph is closed until N, and its code is not loaded before', async (ctx) => {
    const page = await openGame(ctx, '?name=Quiet');
    assert.is(await page.locator('#netgraph').count(), 0, 'not in the page');
    const scripts = (): Promise<string[]> => page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => n.endsWith('.js')));
    assert.ok(!(await scripts()).some((n) => /netgraph-/.test(n)), 'netgraph chunk not fetched yet');
    await page.keyboard.press('n');
    await page.locator('#netgraph').waitFor({ state: 'visible', timeout: 5000 });
    assert.ok((await scripts()).some((n) => /netgraph-/.test(n)), 'fetched on demand');
    await page.waitForFunction(() => /^\d+ ms$/.test(document.querySelector('[data-net="ping"] .netgraph-value')?.textContent ?? ''));
  });
});
