import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BASELINE, CHART_FILES, OURS, writeCharts } from '../../bench/suite/charts';
import type { BenchResults, ServerComparison } from '../../bench/suite/results';
import type { ScenarioResult } from '../../bench/suite/scenario';

const Charts = suite('bench charts');

// Only the figures the charts read: a real ScenarioResult has many more.
const scenario = (server: 'engine' | 'baseline', players: number, bytes: number, p99: number): ScenarioResult =>
  ({ server, players, downBytesPerClientPerSec: bytes, observedP99Ms: p99 }) as unknown as ScenarioResult;
const comparison = (players: number, ours: [number, number], base: [number, number]): ServerComparison =>
  ({ players, ours: scenario('engine', players, ...ours), baseline: scenario('baseline', players, ...base) }) as unknown as ServerComparison;

const results = {
  mode: 'quick',
  command: 'npm run bench -- --quick',
  machine: { date: '2026-01-02T03:04:05.000Z' },
  engine: [
    { entities: 1000, mapSize: 447, ticks: 100, p50Ms: 0.25, p99Ms: 1.1, meanMs: 0.3 },
    { entities: 10_000, mapSize: 1414, ticks: 50, p50Ms: 2.4, p99Ms: 3.1, meanMs: 2.5 },
  ],
  codec: [],
  // The 200-player baseline p99 is the 10 s cap: drawn as a lower bound.
  servers: [comparison(50, [1100, 30], [96_000, 3.5]), comparison(200, [2200, 40], [180_000, 10_000])],
  elapsedS: 1,
} as unknown as BenchResults;

let dir = '';
Charts.before(() => void (dir = mkdtempSync(join(tmpdir(), 'skirmish-charts-'))));
Charts.after(() => rmSync(dir, { recursive: true, force: true }));

Charts('writes three SVGs with their series and axis titles', async () => {
  const paths = await writeCharts(results, dir);
  assert.equal(paths.map((p) => basename(p)), [...CHART_FILES]);
  const [bytes, observed, engine] = paths.map((p) => readFileSync(p, 'utf8'));
  for (const svg of [bytes!, observed!, engine!]) {
    assert.ok(svg.startsWith('<svg'), svg.slice(0, 80));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.ok(svg.includes('2026-01-02 03:04'), 'says which run it comes from');
  }
  for (const svg of [bytes!, observed!]) {
    assert.ok(svg.includes(OURS) && svg.includes(BASELINE), 'both series in the legend');
    assert.ok(svg.includes('players'), 'x axis title');
  }
  assert.ok(bytes!.includes('bytes per client per second'));
  assert.ok(observed!.includes('input → observed p99, ms'));
  assert.ok(observed!.includes('lower bound'), 'a capped p99 is marked as a lower bound');
  for (const text of ['tick p50', 'tick p99', 'entities', 'tick time, ms']) assert.ok(engine!.includes(text), text);
});

Charts('an older results file without servers or engine still renders', async () => {
  const old = { mode: 'full', machine: { date: '2025-01-01T00:00:00.000Z' }, engine: [{ entities: 1000 }] } as unknown as BenchResults;
  const paths = await writeCharts(old, join(dir, 'old'));
  for (const p of paths) assert.ok(readFileSync(p, 'utf8').startsWith('<svg'));
});

Charts.run();
