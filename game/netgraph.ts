// The net graph (N, or ?netgraph=1): the figures of game/netstats.ts as text, and sparklines of
// the last 10 s. Loaded on demand, so players who never open it never download it.
//
// Sparklines are drawn on a canvas 2D, not with a library: the small maintained one
// (@fnando/sparkline, 3.5 KB) scales each series by its maximum, so an all-zero series (the usual
// state of corrections, late and stalled) draws NaN paths that Chromium reports as console errors,
// and it rebuilds SVG nodes on every update; charting libraries (uPlot ~45 KB) outweigh the graph.
import type { NetSample, NetStats } from './netstats';

/** The net graph panel; see `createNetGraph`. */
export interface NetGraph {
  /** Redraws from the stats' latest reading. */
  update(now: number): void;
  readonly visible: boolean;
  setVisible(visible: boolean): void;
  dispose(): void;
}

interface Row {
  key: string;
  label: string;
  text(s: NetSample): string;
  /** The value plotted; rows without one have no sparkline. */
  value?(s: NetSample): number;
  color: string;
}

const num = (v: number, digits = 0): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const bytes = (v: number): string => (v >= 10_000 ? `${(v / 1000).toFixed(1)} kB/s` : `${Math.round(v)} B/s`);

const ROWS: Row[] = [
  { key: 'fps', label: 'fps', text: (s) => num(s.fps), value: (s) => s.fps, color: '#e8ecf4' },
  { key: 'ping', label: 'ping', text: (s) => `${num(s.ping)} ms`, value: (s) => s.ping, color: '#7cc4ff' },
  { key: 'jitter', label: 'jitter', text: (s) => `${num(s.jitter, 1)} ms`, value: (s) => s.jitter, color: '#a78bfa' },
  { key: 'updates', label: 'updates', text: (s) => `${num(s.updates)}/s`, value: (s) => s.updates, color: '#4cd07d' },
  { key: 'down', label: 'down', text: (s) => bytes(s.down), value: (s) => s.down, color: '#4cd07d' },
  { key: 'up', label: 'up', text: (s) => bytes(s.up), value: (s) => s.up, color: '#f0b429' },
  { key: 'interp', label: 'interp', text: (s) => `${num(s.interpolationDelay)} ms`, value: (s) => s.interpolationDelay, color: '#7cc4ff' },
  {
    key: 'corrections', label: 'corrections',
    text: (s) => `${num(s.corrections)}/s${s.corrections > 0 ? ` · ${num(s.correctionSize, 2)} u` : ''}`,
    value: (s) => s.corrections, color: '#fb923c',
  },
  { key: 'late', label: 'late·stalled', text: (s) => `${s.late} · ${s.stalled} /10 s`, value: (s) => s.late + s.stalled, color: '#e0465a' },
  // Filled once the server reports its tick time (a protocol addition).
  { key: 'tick', label: 'server tick', text: (s) => (s.serverTick === undefined ? '—' : `${num(s.serverTick, 2)} ms`), color: '#e8ecf4' },
];

const SPARK_W = 90;
const SPARK_H = 16;

/** Builds the panel (hidden) inside `root`; its element has id `netgraph`. */
export function createNetGraph(root: HTMLElement, stats: NetStats): NetGraph {
  const panel = document.createElement('div');
  panel.id = 'netgraph';
  panel.className = 'netgraph';
  panel.hidden = true;
  panel.setAttribute('aria-label', 'Network statistics');
  const cells = new Map<string, { value: HTMLElement; canvas?: HTMLCanvasElement }>();
  for (const row of ROWS) {
    const line = document.createElement('div');
    line.className = 'netgraph-row';
    line.dataset.net = row.key;
    const label = document.createElement('span');
    label.className = 'netgraph-label';
    label.textContent = row.label;
    const value = document.createElement('strong');
    value.className = 'netgraph-value';
    line.append(label, value);
    let canvas: HTMLCanvasElement | undefined;
    if (row.value !== undefined) {
      canvas = document.createElement('canvas');
      canvas.className = 'netgraph-spark';
      canvas.style.width = `${SPARK_W}px`;
      canvas.style.height = `${SPARK_H}px`;
      line.append(canvas);
    }
    panel.append(line);
    cells.set(row.key, { value, canvas });
  }
  root.append(panel);

  function spark(canvas: HTMLCanvasElement, points: number[], color: string, now: number): void {
    const ratio = globalThis.devicePixelRatio || 1;
    const w = Math.round(SPARK_W * ratio);
    const h = Math.round(SPARK_H * ratio);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.clearRect(0, 0, w, h);
    const history = stats.history;
    if (history.length < 2) return;
    let max = 0;
    for (const v of points) if (Number.isFinite(v)) max = Math.max(max, v);
    // An all-zero series sits on the baseline.
    const scale = max > 0 ? (h - 2 * ratio) / max : 0;
    ctx.strokeStyle = color;
    ctx.lineWidth = ratio;
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < history.length; i++) {
      const v = points[i]!;
      if (!Number.isFinite(v)) continue;
      // x by time, so a stalled page shows a gap at the right, not a stretched line.
      const x = w - ((now - history[i]!.at) / stats.windowMs) * w;
      const y = h - ratio - v * scale;
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
    }
    ctx.stroke();
  }

  let visible = false;
  return {
    update(now) {
      if (!visible) return;
      const s = stats.sample(now);
      for (const row of ROWS) {
        const cell = cells.get(row.key)!;
        cell.value.textContent = row.text(s);
        if (cell.canvas !== undefined && row.value !== undefined) spark(cell.canvas, stats.history.map(row.value), row.color, now);
      }
    },
    get visible() {
      return visible;
    },
    setVisible(v) {
      visible = v;
      panel.hidden = !v;
    },
    dispose() {
      panel.remove();
    },
  };
}
