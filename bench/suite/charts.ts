// Charts of a bench run as SVG files, drawn by Vega-Lite and rendered headlessly by Vega (no
// browser, no canvas): `npm run bench` writes them to docs/bench/ after the JSON, and
// `node --import tsx bench/suite/charts.ts bench/results/FILE.json` redraws them from a saved run.
// Results files written before a field existed lack it: such points are left out, never invented.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { MAX_WAIT_MS } from '../bots/probe';
import { ROOT } from './paths';
import type { BenchResults } from './results';

/** Folder the bench writes its charts into (the README shows them from there). */
export const CHARTS_DIR = join(ROOT, 'docs', 'bench');

/** Series name of our server in the charts' legends. */
export const OURS = 'Skirmish';
/** Series name of the classic Socket.IO baseline in the charts' legends. */
export const BASELINE = 'classic baseline';

/** File names of the three charts, in the order `writeCharts` returns them. */
export const CHART_FILES = ['bytes-per-client.svg', 'input-observed-p99.svg', 'engine-tick.svg'] as const;

type Row = Record<string, string | number>;

// A finite number, or undefined for a figure the run did not measure (null) or an older file lacks.
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function subtitle(r: BenchResults): string {
  const date = r.machine?.date ? String(r.machine.date).slice(0, 16).replace('T', ' ') : 'unknown date';
  return `${r.mode ?? 'unknown'} run, ${date} UTC`;
}

// Shared look: white background (readable on GitHub's dark theme too) and a fixed plot size.
const base = { width: 480, height: 280, background: 'white', config: { font: 'sans-serif', legend: { labelLimit: 260 } } } as const;

/** Bytes per client per second against players: ours against the classic baseline. */
export function bytesSpec(r: BenchResults): TopLevelSpec {
  const rows: Row[] = [];
  for (const c of r.servers ?? []) {
    for (const [series, s] of [[OURS, c.ours], [BASELINE, c.baseline]] as const) {
      const v = num(s?.downBytesPerClientPerSec);
      if (v !== undefined && v > 0) rows.push({ players: c.players, series, value: v });
    }
  }
  return {
    ...base,
    title: { text: 'Server → client bytes per client per second', subtitle: subtitle(r) },
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'players', type: 'quantitative', title: 'players', scale: { zero: false } },
      y: { field: 'value', type: 'quantitative', title: 'bytes per client per second (log)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: 'server', scale: { domain: [OURS, BASELINE] } },
    },
  };
}

/**
 * Input→observed p99 against players. A turn not seen within MAX_WAIT_MS counts as that long,
 * so such a p99 is only a lower bound: those points are drawn as triangles and say so.
 */
export function observedSpec(r: BenchResults): TopLevelSpec {
  const measured = 'measured';
  const bound = `≥ ${MAX_WAIT_MS / 1000} s (lower bound)`;
  const rows: Row[] = [];
  for (const c of r.servers ?? []) {
    for (const [series, s] of [[OURS, c.ours], [BASELINE, c.baseline]] as const) {
      const v = num(s?.observedP99Ms);
      if (v !== undefined && v > 0) rows.push({ players: c.players, series, value: v, kind: v >= MAX_WAIT_MS ? bound : measured });
    }
  }
  const x = { field: 'players', type: 'quantitative', title: 'players', scale: { zero: false } } as const;
  const y = { field: 'value', type: 'quantitative', title: 'input → observed p99, ms (log)', scale: { type: 'log' } } as const;
  const color = { field: 'series', type: 'nominal', title: 'server', scale: { domain: [OURS, BASELINE] } } as const;
  return {
    ...base,
    title: { text: 'Input → observed latency, p99', subtitle: subtitle(r) },
    data: { values: rows },
    layer: [
      { mark: 'line', encoding: { x, y, color } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: { x, y, color, shape: { field: 'kind', type: 'nominal', title: 'p99', scale: { domain: [measured, bound], range: ['circle', 'triangle-up'] } } },
      },
    ],
  };
}

/** Engine tick time p50 and p99 against entities (both axes log: 1k to 50k entities). */
export function engineSpec(r: BenchResults): TopLevelSpec {
  const rows: Row[] = [];
  for (const e of r.engine ?? []) {
    for (const [series, v] of [['tick p50', num(e?.p50Ms)], ['tick p99', num(e?.p99Ms)]] as const) {
      if (v !== undefined && v > 0 && num(e?.entities) !== undefined) rows.push({ entities: e.entities, series, value: v });
    }
  }
  return {
    ...base,
    title: { text: 'Engine: one full tick', subtitle: subtitle(r) },
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'entities', type: 'quantitative', title: 'entities (log)', scale: { type: 'log' } },
      y: { field: 'value', type: 'quantitative', title: 'tick time, ms (log)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: 'quantile' },
    },
  };
}

/** Renders one Vega-Lite spec to an SVG string, headlessly (renderer 'none': no DOM, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Writes the three charts of `results` into `dir` and returns their paths: bytes per client,
 * input→observed p99 (both ours against the baseline, by players) and engine tick time by entities.
 * Async because Vega renders asynchronously.
 */
export async function writeCharts(results: BenchResults, dir: string = CHARTS_DIR): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const specs = [bytesSpec(results), observedSpec(results), engineSpec(results)];
  const paths: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const path = join(dir, CHART_FILES[i]!);
    writeFileSync(path, `${await renderSvg(spec)}\n`);
    paths.push(path);
  }
  return paths;
}

// CLI: redraw the charts from a results file already written.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('Usage: node --import tsx bench/suite/charts.ts bench/results/FILE.json [out-dir]');
    process.exit(2);
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  for (const path of await writeCharts(results, process.argv[3] ?? CHARTS_DIR)) console.log(path);
  console.log(`(from ${basename(file)})`);
}
