// Measures a first visit on a slow link: navigation start to the first frame the game draws with
// the own player in it (the page's `skirmish:first-frame` mark), in a fresh browser context (empty
// cache) behind Chromium's network throttling. Node only; used by tests and benchmarks, which pass
// their own Playwright browser (so this module needs no browser dependency of its own).
import type { Browser } from 'playwright-core';

/** A link, as Chromium's DevTools throttling models it. */
export interface LinkProfile {
  /** Kilobits per second, each way. */
  downKbps: number;
  upKbps: number;
  /** Added round trip per request (ms). */
  rttMs: number;
}

/** The link the target is set for: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip. */
export const SLOW_LINK: Readonly<LinkProfile> = Object.freeze({ downKbps: 1600, upKbps: 750, rttMs: 150 });

/** Options of `measureFirstLoad`. */
export interface FirstLoadOptions {
  /** The game's origin, e.g. `http://127.0.0.1:5000` (a `?name=` is added to skip the start screen). */
  url: string;
  browser: Browser;
  link?: LinkProfile;
  /** Visits to make; each is a new context with an empty cache. Default 3. */
  runs?: number;
  /** Per visit (ms). Default 20 000. */
  timeoutMs?: number;
}

/** One visit. */
export interface FirstLoadRun {
  /** Navigation start to the first drawn frame (ms). */
  firstFrameMs: number;
  /** Bytes that crossed the (throttled) network, headers and compression included. */
  transferredBytes: number;
  requests: number;
  /**
   * Milestones (ms from navigation start): `script` (the bundle starts running), `socket` (the
   * Socket.IO connection is open), `welcome`, `state` (the first state message), `firstFrame`;
   * and `scriptLoaded`, when the
   * bundle's last byte arrived.
   */
  marks: Record<string, number>;
  /** Console errors and page errors seen during the visit. */
  errors: string[];
}

/** The visits and their median. */
export interface FirstLoadResult {
  runs: FirstLoadRun[];
  medianMs: number;
  link: LinkProfile;
}

/** Visits `url` `runs` times on `link` and reports the time to the first frame. */
export async function measureFirstLoad(options: FirstLoadOptions): Promise<FirstLoadResult> {
  const link = options.link ?? SLOW_LINK;
  const runs: FirstLoadRun[] = [];
  const timeout = options.timeoutMs ?? 20_000;
  for (let i = 0; i < (options.runs ?? 3); i++) {
    const context = await options.browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: link.rttMs,
        downloadThroughput: (link.downKbps * 1000) / 8,
        uploadThroughput: (link.upKbps * 1000) / 8,
      });
      let transferredBytes = 0;
      let requests = 0;
      cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
        transferredBytes += e.encodedDataLength;
        requests++;
      });
      const url = new URL(options.url);
      url.searchParams.set('name', `load${i}`);
      await page.goto(url.href, { waitUntil: 'commit', timeout });
      await page.waitForFunction(() => performance.getEntriesByName('skirmish:first-frame').length > 0, null, { timeout, polling: 50 });
      // Mark times count from the navigation's start (the page's time origin).
      // No named functions inside: a TypeScript loader may wrap them in helpers the page lacks.
      const marks = await page.evaluate(() => {
        const [script, socket, welcome, state, firstFrame] = ['skirmish:script', 'skirmish:socket', 'skirmish:welcome', 'skirmish:state', 'skirmish:first-frame']
          .map((name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN);
        const bundle = performance.getEntriesByType('resource').find((r) => /\/client-\w+\.js$/.test(r.name)) as PerformanceResourceTiming | undefined;
        return { scriptLoaded: bundle?.responseEnd ?? Number.NaN, script: script!, socket: socket!, welcome: welcome!, state: state!, firstFrame: firstFrame! };
      });
      runs.push({ firstFrameMs: marks.firstFrame, transferredBytes, requests, marks, errors });
    } finally {
      await context.close();
    }
  }
  const sorted = runs.map((r) => r.firstFrameMs).sort((a, b) => a - b);
  return { runs, medianMs: sorted[Math.floor(sorted.length / 2)]!, link };
}
