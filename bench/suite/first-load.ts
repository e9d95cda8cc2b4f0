// A first visit on the throttled link: navigation start to the first frame with the own player in
// it, in headless Chromium against our game server started in this process. Skipped (loudly) where
// there is no Chromium, so the rest of the bench still runs on machines without one.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startGameServer } from '../../game';
import { measureFirstLoad, type LinkProfile } from '../../game/first-load';
import { createLogger } from '../../net';
import { ROOT } from './paths';

/** The Chromium the bench drives (the system one: playwright-core brings no browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** What the first-load step measured. */
export interface FirstLoadSummary {
  /** Median over the visits, navigation start to the first frame (ms). */
  medianMs: number;
  firstFrameMs: number[];
  /** Bytes over the throttled link per visit (headers and compression included). */
  transferredBytes: number[];
  link: LinkProfile;
  /** Console and page errors of the visits (a visit that errored may not be a fair figure). */
  errors: string[];
}

/** Measures `runs` first visits of the game, or returns null when Chromium is missing. */
export async function benchFirstLoad(log: (line: string) => void, runs = 3): Promise<FirstLoadSummary | null> {
  if (!existsSync(CHROMIUM)) {
    log(`bench: !!! FIRST LOAD SKIPPED: no Chromium at ${CHROMIUM} !!!`);
    return null;
  }
  // The page served is dist/: build it unless it is newer than every source.
  execFileSync(process.execPath, ['build.mjs', '--if-needed'], { cwd: ROOT, stdio: 'pipe' });
  const server = await startGameServer({ port: 0, host: '127.0.0.1', seed: 3, logger: createLogger('silent') });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // No GPU here: SwiftShader draws WebGL; the rest keeps Chromium's own traffic off the link.
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  try {
    const r = await measureFirstLoad({ url: server.url, browser, runs });
    return {
      medianMs: Math.round(r.medianMs),
      firstFrameMs: r.runs.map((v) => Math.round(v.firstFrameMs)),
      transferredBytes: r.runs.map((v) => v.transferredBytes),
      link: r.link,
      errors: r.runs.flatMap((v) => v.errors),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
