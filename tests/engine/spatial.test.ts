import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createSpatialGrid, rebuild, queryRadius, queryRect, createRng, createBattleWorld, spawnPlayer, queueInput,
  step, getStore, addComponent, battleSystems, movementSystem, spatialSystem, combatSystem, Position, Health, Dead,
  type SpatialGrid, type Rng, type BattleWorld, type BattleRules, type BattleEvent,
} from '../../engine';

// --- helpers -------------------------------------------------------------------------------------

interface Cloud { eids: number[]; xs: Float32Array; ys: Float32Array }

/**
 * `n` entities with scattered ids: a third uniform over the map, a third on cell boundaries and a
 * third on the map's edges and corners (x = width exactly included); a few just outside the map.
 */
function cloud(rng: Rng, map: { width: number; height: number }, cell: number, n: number, capacity: number): Cloud {
  const xs = new Float32Array(capacity);
  const ys = new Float32Array(capacity);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(1 + rng.int(capacity - 1));
  const eids = [...ids];
  const onBoundary = (size: number) => Math.min(size, Math.floor(rng.range(0, size / cell + 1)) * cell);
  const edges = [0, 1];
  for (const e of eids) {
    const kind = rng.next();
    if (kind < 0.33) {
      xs[e] = rng.range(0, map.width);
      ys[e] = rng.range(0, map.height);
    } else if (kind < 0.66) {
      xs[e] = onBoundary(map.width);
      ys[e] = rng.next() < 0.5 ? onBoundary(map.height) : rng.range(0, map.height);
    } else if (kind < 0.95) {
      xs[e] = rng.next() < 0.7 ? edges[rng.int(2)]! * map.width : rng.range(0, map.width);
      ys[e] = rng.next() < 0.7 ? edges[rng.int(2)]! * map.height : rng.range(0, map.height);
    } else {
      xs[e] = rng.range(-5, map.width + 5);
      ys[e] = rng.range(-5, map.height + 5);
    }
  }
  return { eids, xs, ys };
}

function bruteRadius(c: Cloud, x: number, y: number, r: number): number[] {
  return c.eids.filter((e) => {
    const dx = c.xs[e]! - x;
    const dy = c.ys[e]! - y;
    return dx * dx + dy * dy <= r * r;
  }).sort((a, b) => a - b);
}

function bruteRect(c: Cloud, minX: number, minY: number, maxX: number, maxY: number): number[] {
  return c.eids.filter((e) => c.xs[e]! >= minX && c.xs[e]! <= maxX && c.ys[e]! >= minY && c.ys[e]! <= maxY)
    .sort((a, b) => a - b);
}

const out: number[] = [];
const radius = (g: SpatialGrid, x: number, y: number, r: number): number[] =>
  out.slice(0, queryRadius(g, x, y, r, out)).sort((a, b) => a - b);
const rect = (g: SpatialGrid, minX: number, minY: number, maxX: number, maxY: number): number[] =>
  out.slice(0, queryRect(g, minX, minY, maxX, maxY, out)).sort((a, b) => a - b);

/** Query centres: random, on cell corners, on the map's corners and edges, and outside the map. */
function centre(rng: Rng, map: { width: number; height: number }, cell: number): [number, number] {
  const kind = rng.int(4);
  if (kind === 0) return [rng.range(0, map.width), rng.range(0, map.height)];
  if (kind === 1) return [rng.int(Math.ceil(map.width / cell) + 1) * cell, rng.int(Math.ceil(map.height / cell) + 1) * cell];
  if (kind === 2) return [rng.int(2) * map.width, rng.int(2) * map.height];
  return [rng.range(-30, map.width + 30), rng.range(-30, map.height + 30)];
}

const maps = [{ width: 100, height: 100 }, { width: 200, height: 10 }, { width: 37.5, height: 91 }];
const cellSizes = [1, 2.5, 7, 10, 16, 33.3, 100, 250];
const capacity = 20000; // enough ids for the smallest cells not to be raised

// --- the grid on its own ---------------------------------------------------------------------------

const Grid = suite('spatial grid');

Grid('queryRadius equals brute force: several maps and cell sizes, edges, corners, radii on cell boundaries', () => {
  const rng = createRng(101);
  let checked = 0;
  let found = 0;
  for (const map of maps) {
    for (const cell of cellSizes) {
      const grid = createSpatialGrid(map, cell, capacity);
      assert.is(grid.cellSize, cell, 'not raised');
      const c = cloud(rng, map, cell, 400, capacity);
      rebuild(grid, c.eids, c.xs, c.ys);
      for (let q = 0; q < 150; q++) {
        const [x, y] = centre(rng, map, cell);
        // Radii that are whole multiples of the cell size put the query's edge exactly on cell lines.
        const r = q % 3 === 0 ? (1 + rng.int(3)) * cell : q % 3 === 1 ? rng.range(0, 25) : 0;
        const expected = bruteRadius(c, x, y, r);
        assert.equal(radius(grid, x, y, r), expected, `map ${map.width}×${map.height} cell ${cell} query (${x}, ${y}) r ${r}`);
        checked++;
        found += expected.length;
      }
    }
  }
  assert.ok(found > checked * 3, `the queries must find something (found ${found} in ${checked} queries)`);
});

Grid('queryRect equals brute force: several maps and cell sizes, edges, corners, degenerate rects', () => {
  const rng = createRng(202);
  let found = 0;
  for (const map of maps) {
    for (const cell of cellSizes) {
      const grid = createSpatialGrid(map, cell, capacity);
      const c = cloud(rng, map, cell, 400, capacity);
      rebuild(grid, c.eids, c.xs, c.ys);
      for (let q = 0; q < 150; q++) {
        const [x0, y0] = centre(rng, map, cell);
        const [x1, y1] = q % 4 === 0 ? [x0, y0] : centre(rng, map, cell); // a point rect every 4th
        const [minX, maxX] = [Math.min(x0, x1), Math.max(x0, x1)];
        const [minY, maxY] = [Math.min(y0, y1), Math.max(y0, y1)];
        const expected = bruteRect(c, minX, minY, maxX, maxY);
        assert.equal(rect(grid, minX, minY, maxX, maxY), expected, `map ${map.width}×${map.height} cell ${cell} rect (${minX}, ${minY})–(${maxX}, ${maxY})`);
        found += expected.length;
      }
    }
  }
  assert.ok(found > 1000, `the queries must find something (found ${found})`);
});

Grid('entities at x = width, y = height and the corners are found', () => {
  const map = { width: 100, height: 50 };
  const grid = createSpatialGrid(map, 10, 16);
  const xs = new Float32Array(16);
  const ys = new Float32Array(16);
  const spots: [number, number][] = [[0, 0], [100, 0], [0, 50], [100, 50], [100, 25], [40, 50]];
  spots.forEach(([x, y], i) => { xs[i + 1] = x; ys[i + 1] = y; });
  rebuild(grid, [1, 2, 3, 4, 5, 6], xs, ys);
  assert.equal(radius(grid, 100, 50, 0), [4]);
  assert.equal(radius(grid, 100, 25, 25), [2, 4, 5]);
  assert.equal(radius(grid, 95, 45, 10), [4]);
  assert.equal(rect(grid, 100, 0, 100, 50), [2, 4, 5]);
  assert.equal(rect(grid, 0, 50, 100, 50), [3, 4, 6]);
  assert.equal(rect(grid, -1000, -1000, 1000, 1000), [1, 2, 3, 4, 5, 6]);
  assert.equal(rect(grid, 100.001, 0, 200, 50), [], 'right of the map');
});

Grid('entities outside the map are kept and found where they are', () => {
  const grid = createSpatialGrid({ width: 100, height: 100 }, 10, 8);
  const xs = new Float32Array([0, -20, 130, 50]);
  const ys = new Float32Array([0, 50, 50, -7]);
  rebuild(grid, [1, 2, 3], xs, ys);
  assert.equal(radius(grid, -15, 50, 5), [1]);
  assert.equal(radius(grid, 0, 50, 5), [], 'column 0 holds it, but it is 20 away');
  assert.equal(radius(grid, 125, 50, 5), [2]);
  assert.equal(rect(grid, 40, -10, 60, -5), [3]);
});

Grid('a rebuild replaces the contents; count and out are reused, not truncated', () => {
  const grid = createSpatialGrid({ width: 100, height: 100 }, 10, 8);
  const xs = new Float32Array([0, 10, 20, 30, 90]);
  const ys = new Float32Array([0, 10, 20, 30, 90]);
  rebuild(grid, [1, 2, 3, 4], xs, ys);
  assert.is(grid.count, 4);
  const mine = [-1, -1, -1, -1, -1, -1];
  assert.is(queryRect(grid, 0, 0, 100, 100, mine), 4);
  assert.equal(mine.slice(4), [-1, -1], 'nothing written past the count');
  rebuild(grid, [4], xs, ys);
  assert.is(grid.count, 1);
  assert.is(queryRect(grid, 0, 0, 100, 100, mine), 1);
  assert.is(mine[0], 4);
  rebuild(grid, [], xs, ys);
  assert.is(queryRadius(grid, 50, 50, 1000, mine), 0);
});

Grid('entities of one cell keep the order they were given in', () => {
  const grid = createSpatialGrid({ width: 100, height: 100 }, 50, 16);
  const xs = new Float32Array(16).fill(10);
  const ys = new Float32Array(16).fill(10);
  xs[9] = 90;
  rebuild(grid, [7, 3, 9, 12, 5], xs, ys);
  assert.equal(out.slice(0, queryRect(grid, 0, 0, 40, 40, out)), [7, 3, 12, 5]);
});

Grid('a tiny cell size on a huge map is raised, and results do not change', () => {
  const map = { width: 100000, height: 100000 };
  const grid = createSpatialGrid(map, 1, 100);
  assert.ok(grid.cols * grid.rows <= 4096, `${grid.cols} × ${grid.rows} cells`);
  assert.ok(grid.cellSize > 1);
  const rng = createRng(5);
  const c = cloud(rng, map, 1000, 90, 100);
  rebuild(grid, c.eids, c.xs, c.ys);
  for (let q = 0; q < 100; q++) {
    const [x, y] = centre(rng, map, 1000);
    const r = rng.range(0, 30000);
    assert.equal(radius(grid, x, y, r), bruteRadius(c, x, y, r));
  }
});

Grid('a point at exactly r on a cell line is found although x + r rounds below that line', () => {
  // -3.94… + 10.94… is 6.999999999999999 in floating point, yet the point at 7 is at distance r.
  const grid = createSpatialGrid({ width: 100, height: 100 }, 7, 4);
  const xs = new Float32Array([0, 7]);
  const ys = new Float32Array([0, 0]);
  rebuild(grid, [1], xs, ys);
  const x = -3.9400425031216075;
  const r = 7 - x;
  assert.ok(x + r < 7, 'setup: the rounding happens');
  assert.equal(radius(grid, x, 0, r), [1]);
});

Grid('negative or NaN radius and inverted rects find nothing', () => {
  const grid = createSpatialGrid({ width: 100, height: 100 }, 10, 4);
  const xs = new Float32Array([0, 50]);
  const ys = new Float32Array([0, 50]);
  rebuild(grid, [1], xs, ys);
  assert.is(queryRadius(grid, 50, 50, 0, out), 1);
  assert.is(queryRadius(grid, 50, 50, -1, out), 0);
  assert.is(queryRadius(grid, 50, 50, Number.NaN, out), 0);
  assert.is(queryRect(grid, 60, 0, 40, 100, out), 0);
});

Grid('misuse throws with the offending value', () => {
  assert.throws(() => createSpatialGrid({ width: 100, height: 100 }, 0, 10), /Skirmish: spatial grid cellSize .* got 0/);
  assert.throws(() => createSpatialGrid({ width: 100, height: 100 }, Number.NaN, 10), /cellSize .* got NaN/);
  assert.throws(() => createSpatialGrid({ width: -1, height: 100 }, 10, 10), /Skirmish: spatial grid map .* got -1 × 100/);
  assert.throws(() => createSpatialGrid({ width: 100, height: 100 }, 10, 0), /Skirmish: spatial grid capacity .* got 0/);
  const grid = createSpatialGrid({ width: 100, height: 100 }, 10, 2);
  const xs = new Float32Array(4);
  assert.throws(() => rebuild(grid, [1, 2, 3], xs, xs), /Skirmish: spatial grid holds 2 entities, got 3/);
});

// --- the grid in a battle world --------------------------------------------------------------------

const rules: BattleRules = {
  map: { width: 100, height: 100 }, speed: 25, health: 100,
  attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 0.2,
};
const dt = 0.1;

const InWorld = suite<{ world: BattleWorld }>('spatial grid: in a battle world');
InWorld.before.each((ctx) => {
  ctx.world = createBattleWorld({ rules, dt, seed: 4 });
});

const everyone = (world: BattleWorld): number[] => rect(world.grid, -1e9, -1e9, 1e9, 1e9);

InWorld('spatialSystem runs right after movement, before combat', () => {
  const i = battleSystems.indexOf(spatialSystem);
  assert.is(battleSystems[i - 1], movementSystem);
  assert.is(battleSystems[i + 1], combatSystem);
});

InWorld('the cell size defaults to the attack range, and follows rules.gridCellSize', ({ world }) => {
  assert.is(world.grid.cellSize, 10);
  assert.is(createBattleWorld({ rules: { ...rules, gridCellSize: 25 } }).grid.cellSize, 25);
  assert.is(createBattleWorld({ rules: { ...rules, attack: { ...rules.attack, range: 0 } } }).grid.cellSize, 16);
  assert.throws(() => createBattleWorld({ rules: { ...rules, gridCellSize: 0 } }), /Skirmish: rule gridCellSize must be a finite number > 0, got 0/);
});

InWorld('after a tick the grid holds the end-of-movement positions of living players', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 20, y: 20 } });
  queueInput(world, a, { move: { x: 1, y: 0 } });
  step(world);
  assert.ok(Math.abs(getStore(world, Position).x[a]! - 52.5) < 1e-4);
  assert.equal(rect(world.grid, 52, 49, 53, 51), [a], 'found where it walked to');
  assert.equal(rect(world.grid, 49, 49, 51, 51), [], 'not where it was');
  assert.equal(everyone(world), [a, b]);
  assert.is(world.grid.builtAt, world.time.tick);
});

InWorld('dead players are left out; a respawned player enters the grid at the next tick', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 55, y: 50 } });
  getStore(world, Health).hp[b] = 10;
  queueInput(world, a, { attack: true });
  step(world); // tick 1: b dies, respawnAt = 0.3
  assert.equal(everyone(world), [a, b], 'killed after the rebuild: still listed in the tick of its death');
  step(world); // tick 2
  assert.equal(everyone(world), [a], 'dead: left out');
  step(world); // tick 3: respawns after the rebuild
  assert.ok((world.events as BattleEvent[]).some((e) => e.type === 'respawn' && e.eid === b), 'setup: b respawned at tick 3');
  assert.equal(everyone(world), [a], 'respawned after the rebuild');
  step(world); // tick 4
  assert.equal(everyone(world), [a, b]);
});

InWorld('a dead player added between ticks is left out of that tick\'s grid', ({ world }) => {
  const a = spawnPlayer(world, { at: { x: 50, y: 50 } });
  const b = spawnPlayer(world, { at: { x: 60, y: 60 } });
  addComponent(world, b, getStore(world, Dead));
  getStore(world, Dead).respawnAt[b] = 1000;
  step(world);
  assert.equal(everyone(world), [a]);
});

Grid.run();
InWorld.run();
