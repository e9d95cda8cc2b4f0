// Engine tick time with the spatial grid vs the all-pairs combat it replaced, and the grid's
// rebuild-each-tick vs an incrementally maintained grid (the measurement behind choosing rebuild).
// Run: node --import tsx bench/engine-grid.ts [players…]   (UPKEEP_ONLY=1: only the grid comparison)
import {
  createBattleWorld, spawnPlayer, queueInput, step, createRng, createSpatialGrid,
  rebuild, queryRadius, queryRect, battleSystems, combatSystem, spatialSystem,
  type BattleWorld, type BattleRules, type SpatialGrid,
} from '../engine';
import { allPairsCombat } from './lib/all-pairs-combat';
import { quantile } from './lib/stats';


const DENSITY = 500 / (1000 * 1000); // the target: 500 players on 1000 × 1000

interface Variant { name: string; lag: boolean; allPairs: boolean }
interface TickStats { mean: number; median: number; p99: number; hits: number; perSystem: Map<string, number> }

/** Battle tick times (inputs queued outside the timing) at `players`, with time per system. */
function tickTimes(players: number, variant: Variant, ticks: number, side?: number): TickStats {
  const size = side ?? Math.sqrt(players / DENSITY);
  const rules: BattleRules = {
    map: { width: size, height: size }, speed: 25, health: 100,
    attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 3,
    ...(variant.lag ? { lagCompensation: { maxRewind: 0.25, history: 1 } } : {}),
  };
  const perSystem = new Map<string, number>();
  const base = variant.allPairs
    ? battleSystems.filter((s) => s !== spatialSystem).map((s) => (s === combatSystem ? allPairsCombat : s))
    : [...battleSystems];
  const systems = base.map((system) => {
    const name = system === allPairsCombat ? 'combat (all pairs)' : system.name;
    return (w: BattleWorld) => {
      const t0 = performance.now();
      system(w);
      perSystem.set(name, (perSystem.get(name) ?? 0) + performance.now() - t0);
    };
  });
  const world = createBattleWorld({ rules, dt: 1 / 30, seed: 1, capacity: players + 2, systems });
  const rng = createRng(7);
  const eids = Array.from({ length: players }, () => spawnPlayer(world));
  const times: number[] = [];
  let hits = 0;
  const warmup = Math.min(20, Math.floor(ticks / 4));
  for (let t = 0; t < ticks; t++) {
    if (t === warmup) perSystem.clear();
    for (const eid of eids) {
      // Wander: a new heading now and then; attack presses at random, so the cooldowns are not in step.
      if (rng.next() < 0.05) queueInput(world, eid, { move: { x: rng.range(-1, 1), y: rng.range(-1, 1) } });
      if (rng.next() < 0.1) queueInput(world, eid, { attack: true, viewTimeS: world.time.elapsed + 1 / 30 - 0.15 });
    }
    const t0 = performance.now();
    step(world);
    if (t >= warmup) times.push(performance.now() - t0);
    for (const e of world.events) if (e.type === 'hit') hits++;
  }
  for (const [k, v] of perSystem) perSystem.set(k, v / times.length);
  const sorted = Float64Array.from(times).sort();
  return {
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    hits,
    perSystem,
  };
}

function report(n: number, name: string, ticks: number, r: TickStats): void {
  const parts = [...r.perSystem].map(([k, v]) => `${k.replace('System', '')} ${v.toFixed(2)}`).join(', ');
  console.log(`${String(n).padStart(6)} players, ${name.padEnd(24)} mean ${r.mean.toFixed(2)} ms  median ${r.median.toFixed(2)}  p99 ${r.p99.toFixed(2)}  (${ticks} ticks, ${r.hits} hits)\n${' '.repeat(16)}per system: ${parts}`);
}

// --- rebuild vs incremental ------------------------------------------------------------------------

/** A grid kept up to date by moving only the entities that changed cell (linked lists per cell). */
interface LinkedGrid { cols: number; rows: number; inv: number; head: Int32Array; next: Int32Array; prev: Int32Array; cellOf: Int32Array }

function createLinked(side: number, cell: number, capacity: number): LinkedGrid {
  const cols = Math.ceil(side / cell);
  return {
    cols, rows: cols, inv: 1 / cell, head: new Int32Array(cols * cols).fill(-1),
    next: new Int32Array(capacity).fill(-1), prev: new Int32Array(capacity).fill(-1), cellOf: new Int32Array(capacity).fill(-1),
  };
}

function cellIn(v: number, inv: number, n: number): number {
  const c = Math.floor(v * inv);
  return c < 0 ? 0 : c >= n ? n - 1 : c;
}

function updateLinked(g: LinkedGrid, eids: ArrayLike<number>, xs: Float32Array, ys: Float32Array): void {
  for (let i = 0; i < eids.length; i++) {
    const e = eids[i]!;
    const c = cellIn(ys[e]!, g.inv, g.rows) * g.cols + cellIn(xs[e]!, g.inv, g.cols);
    const old = g.cellOf[e]!;
    if (c === old) continue;
    if (old >= 0) {
      const p = g.prev[e]!;
      const n = g.next[e]!;
      if (p >= 0) g.next[p] = n; else g.head[old] = n;
      if (n >= 0) g.prev[n] = p;
    }
    g.prev[e] = -1;
    g.next[e] = g.head[c]!;
    if (g.head[c]! >= 0) g.prev[g.head[c]!] = e;
    g.head[c] = e;
    g.cellOf[e] = c;
  }
}

function radiusLinked(g: LinkedGrid, x: number, y: number, r: number, xs: Float32Array, ys: Float32Array, out: number[]): number {
  const c0 = cellIn(x - r, g.inv, g.cols);
  const c1 = cellIn(x + r, g.inv, g.cols);
  const r0 = cellIn(y - r, g.inv, g.rows);
  const r1 = cellIn(y + r, g.inv, g.rows);
  let n = 0;
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      for (let e = g.head[row * g.cols + col]!; e >= 0; e = g.next[e]!) {
        const dx = xs[e]! - x;
        const dy = ys[e]! - y;
        if (dx * dx + dy * dy <= r * r) out[n++] = e;
      }
    }
  }
  return n;
}

function rectLinked(g: LinkedGrid, minX: number, minY: number, maxX: number, maxY: number, xs: Float32Array, ys: Float32Array, out: number[]): number {
  let n = 0;
  for (let row = cellIn(minY, g.inv, g.rows); row <= cellIn(maxY, g.inv, g.rows); row++) {
    for (let col = cellIn(minX, g.inv, g.cols); col <= cellIn(maxX, g.inv, g.cols); col++) {
      for (let e = g.head[row * g.cols + col]!; e >= 0; e = g.next[e]!) {
        const px = xs[e]!;
        const py = ys[e]!;
        if (px >= minX && px <= maxX && py >= minY && py <= maxY) out[n++] = e;
      }
    }
  }
  return n;
}

/**
 * Per tick at `players`: bring the grid up to date with moved positions, then a combat-like load
 * (a fifteenth of the players attack: radius-10 queries) and an interest-like load (`clients`
 * 200 × 120 view rects).
 */
function gridUpkeep(players: number, ticks: number, clients: number): void {
  const side = Math.sqrt(players / DENSITY);
  const cap = players + 1;
  const rng = createRng(3);
  const xs = new Float32Array(cap);
  const ys = new Float32Array(cap);
  const vx = new Float32Array(cap);
  const vy = new Float32Array(cap);
  const eids = Int32Array.from({ length: players }, (_, i) => i + 1);
  for (const e of eids) {
    xs[e] = rng.range(0, side);
    ys[e] = rng.range(0, side);
    const a = rng.range(0, 2 * Math.PI);
    vx[e] = Math.cos(a) * 25 / 30;
    vy[e] = Math.sin(a) * 25 / 30;
  }
  const rebuilt: SpatialGrid = createSpatialGrid({ width: side, height: side }, 10, cap);
  const linked = createLinked(side, rebuilt.cellSize, cap);
  const out: number[] = [];
  const cost = { rebuild: 0, incremental: 0, qRebuild: 0, qLinked: 0 };
  let check = 0;
  for (let t = 0; t < ticks; t++) {
    for (const e of eids) {
      xs[e] = Math.min(side, Math.max(0, xs[e]! + vx[e]!));
      ys[e] = Math.min(side, Math.max(0, ys[e]! + vy[e]!));
    }
    let t0 = performance.now();
    rebuild(rebuilt, eids, xs, ys);
    cost.rebuild += performance.now() - t0;
    t0 = performance.now();
    updateLinked(linked, eids, xs, ys);
    cost.incremental += performance.now() - t0;
    t0 = performance.now();
    for (let i = t % 15; i < players; i += 15) check += queryRadius(rebuilt, xs[eids[i]!]!, ys[eids[i]!]!, 10, out);
    for (let i = 0; i < clients; i++) {
      const e = eids[(i * 97) % players]!;
      check += queryRect(rebuilt, xs[e]! - 100, ys[e]! - 60, xs[e]! + 100, ys[e]! + 60, out);
    }
    cost.qRebuild += performance.now() - t0;
    t0 = performance.now();
    for (let i = t % 15; i < players; i += 15) check -= radiusLinked(linked, xs[eids[i]!]!, ys[eids[i]!]!, 10, xs, ys, out);
    for (let i = 0; i < clients; i++) {
      const e = eids[(i * 97) % players]!;
      check -= rectLinked(linked, xs[e]! - 100, ys[e]! - 60, xs[e]! + 100, ys[e]! + 60, xs, ys, out);
    }
    cost.qLinked += performance.now() - t0;
  }
  if (check !== 0) throw new Error(`the two grids disagree (${check})`);
  const per = (ms: number) => (ms / ticks).toFixed(3);
  console.log(`${players} entities, ${clients} view rects, ${rebuilt.cols}² cells of ${rebuilt.cellSize.toFixed(1)}: ` +
    `rebuild ${per(cost.rebuild)} ms + queries ${per(cost.qRebuild)} ms | incremental ${per(cost.incremental)} ms + queries ${per(cost.qLinked)} ms (per tick)`);
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const counts = sizes.length > 0 ? sizes : [1000, 10000, 50000];
console.log('grid upkeep: rebuild each tick vs incremental');
for (const n of counts) {
  gridUpkeep(n, 100, 500);
  gridUpkeep(n, 60, n); // every player a client
}
// Compile every path once so that the first variant measured does not pay for the JIT.
for (const variant of [{ name: '', lag: false, allPairs: false }, { name: '', lag: true, allPairs: false }, { name: '', lag: false, allPairs: true }]) {
  tickTimes(2000, variant, 150);
}
if (process.env.UPKEEP_ONLY) process.exit(0);
console.log('\nfull battle tick, map sized for 500 players per 1000²');
for (const n of counts) {
  for (const variant of [
    { name: 'grid', lag: false, allPairs: false },
    { name: 'grid + lag compensation', lag: true, allPairs: false },
    { name: 'all pairs (before)', lag: false, allPairs: true },
  ]) {
    const ticks = variant.allPairs ? Math.min(200, Math.max(12, Math.round(2e9 / (n * n)))) : 200;
    report(n, variant.name, ticks, tickTimes(n, variant, ticks));
  }
}
console.log('\nclassic 100 × 100 map (many players within reach of each other)');
for (const n of [50, 1000]) {
  for (const variant of [{ name: 'grid', lag: false, allPairs: false }, { name: 'all pairs (before)', lag: false, allPairs: true }]) {
    report(n, variant.name, 200, tickTimes(n, variant, 200, 100));
  }
}
