// Section 1a: the engine alone — time per full tick (every battle system) under the wander load.
import { performance } from 'node:perf_hooks';
import { createBattleWorld, createRng, queueInput, spawnPlayer, step, type BattleWorld } from '../../engine';
import { rulesForMap } from '../../game';
import { DIRECTIONS } from '../bots/behavior';
import { quantile } from '../lib/stats';

/** Tick times of one world size. */
export interface EngineResult {
  entities: number;
  mapSize: number;
  ticks: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Map side that keeps the default game's density (50 players on 100 × 100) at any player count. */
export function mapSizeFor(players: number): number {
  return Math.round(100 * Math.sqrt(Math.max(1, players) / 50));
}

/** A battle world of `entities` players spread over a map of the default density. */
export function populatedWorld(entities: number, seed = 1): BattleWorld {
  const world = createBattleWorld({ rules: rulesForMap(mapSizeFor(entities)), capacity: entities + 16, seed });
  for (let i = 0; i < entities; i++) spawnPlayer(world);
  return world;
}

/**
 * Times `ticks` full ticks of a world of `entities` players (after `warmup` untimed ones). Before
 * each tick every player gets an input, as at 20–30 inputs/s: a new direction every 0.5 s and an
 * attack every second on average, like the `wander` bots.
 */
export function benchEngine(entities: number, ticks: number, warmup = Math.min(30, ticks)): EngineResult {
  const world = populatedWorld(entities);
  const rng = createRng(7);
  const dt = world.time.dt;
  const players = Array.from({ length: entities }, (_, i) => i + 1);
  const dirs = new Uint8Array(entities + 16);
  const times: number[] = [];
  for (let t = 0; t < warmup + ticks; t++) {
    for (const eid of players) {
      if (rng.next() < dt / 0.5) dirs[eid] = rng.int(DIRECTIONS.length);
      const d = DIRECTIONS[dirs[eid]!]!;
      queueInput(world, eid, { seq: t, move: { x: d[0], y: d[1] }, attack: rng.next() < dt / 1 });
    }
    const started = performance.now();
    step(world);
    if (t >= warmup) times.push(performance.now() - started);
  }
  const sorted = Float64Array.from(times).sort();
  return {
    entities,
    mapSize: world.rules.map.width,
    ticks,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    meanMs: times.reduce((a, b) => a + b, 0) / Math.max(1, times.length),
  };
}
