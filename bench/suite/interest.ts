// Section 1c: interest management alone — what deciding every client's view costs a tick, at 500
// players on the 1000 × 1000 map, where each client sees the ~20 players around it. Timed the
// way a server ticks (after idle time), since a tight loop keeps every cache warm.
import { performance } from 'node:perf_hooks';
import { createBattleWorld, createRng, queueInput, spawnPlayer, step } from '../../engine';
import { rulesForMap } from '../../game';
import { createInterest, defaultInterest, type ViewChanges } from '../../net/server/interest';
import { DIRECTIONS } from '../bots/behavior';
import { fmt, markdownTable } from '../lib/table';

/** What updating every view costs per tick. */
export interface InterestBenchResult {
  players: number;
  mapSize: number;
  ticks: number;
  /** Mean time of one tick's rebuild plus every client's update, µs. */
  usPerTick: number;
  /** The same per client view, µs. */
  usPerView: number;
  /** Players in a client's view on average at the end. */
  meanInView: number;
}

/**
 * Steps a world of `players` wander players on a `mapSize`² map and, after `pauseMs` of idle time
 * each tick, times the interest scan (grid rebuild and one update per player) over `ticks` ticks.
 */
export async function benchInterest(players = 500, mapSize = 1000, ticks = 300, pauseMs = 5, warmup = 30): Promise<InterestBenchResult> {
  const world = createBattleWorld({ rules: rulesForMap(mapSize), capacity: players + 16, seed: 1 });
  const eids = Array.from({ length: players }, () => spawnPlayer(world));
  const interest = createInterest(world, defaultInterest);
  const views = eids.map(() => new Set<number>());
  // Every entity has news: each update walks its whole view, the most it can cost.
  const news = new Uint8Array(world.capacity).fill(1);
  const out: ViewChanges = { stayed: [], entered: [], removed: [] };
  const rng = createRng(3);
  const dirs = new Uint8Array(world.capacity);
  let totalMs = 0;
  for (let t = 0; t < warmup + ticks; t++) {
    for (const eid of eids) {
      if (rng.next() < world.time.dt / 0.5) dirs[eid] = rng.int(DIRECTIONS.length);
      const d = DIRECTIONS[dirs[eid]!]!;
      queueInput(world, eid, { move: { x: d[0], y: d[1] } });
    }
    step(world);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const started = performance.now();
    interest.rebuild();
    for (let i = 0; i < eids.length; i++) interest.update(views[i]!, eids[i]!, world.sync.byNetId, news, out);
    if (t >= warmup) totalMs += performance.now() - started;
  }
  const usPerTick = (totalMs / ticks) * 1000;
  return { players, mapSize, ticks, usPerTick, usPerView: usPerTick / players, meanInView: views.reduce((n, v) => n + v.size, 0) / players };
}

/** The interest figures as a markdown table. */
export function interestTable(r: InterestBenchResult): string {
  return markdownTable(['interest: every view updated once', 'players', 'map', 'in view (mean)', 'µs per tick', 'µs per view'], [
    ['paced like a server', String(r.players), `${r.mapSize}²`, fmt(r.meanInView, 1), fmt(r.usPerTick, 0), fmt(r.usPerView, 2)],
  ]);
}
