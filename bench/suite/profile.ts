// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: by function and by area.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Share of the busy (non-idle) time spent somewhere. */
export interface Cost {
  name: string;
  ms: number;
  pct: number;
}

/** The biggest costs of a profile. */
export interface ProfileSummary {
  file: string;
  busyMs: number;
  idleMs: number;
  /** Time in the function itself. */
  self: Cost[];
  /** Time in the function and everything it called. */
  inclusive: Cost[];
  /** Self time by package, project folder, GC or Node internals. */
  areas: Cost[];
}

const NOT_CODE = new Set(['(root)', '(program)', '(idle)']);

function label(frame: ProfileNode['callFrame'], root: string): string {
  const url = frame.url.replace(`file://${root}`, '').replace(/^.*node_modules\//, '');
  const name = frame.functionName || '(anonymous)';
  // Our TypeScript runs transpiled by tsx, whose line numbers do not match the source: name the file only.
  if (url.endsWith('.ts')) return `${name} ${url}`;
  return url ? `${name} ${url}:${frame.lineNumber + 1}` : name;
}

function area(frame: ProfileNode['callFrame'], root: string): string {
  const url = frame.url;
  if (frame.functionName === '(garbage collector)') return 'garbage collector';
  if (url === '') return `(native) ${frame.functionName || 'anonymous'}`;
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const local = url.replace(`file://${root}`, '');
  return local.includes('/') ? `${local.split('/')[0]}/` : local;
}

function top(map: Map<string, number>, busy: number, n: number): Cost[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pct: Math.round((us / busy) * 1000) / 10 }));
}

/** Summarizes the profile at `file`; `root` (the repository, with a trailing slash) is cut from paths. */
export function summarizeProfile(file: string, root: string, n = 10): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  const seen = new Set<string>();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) continue;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    const name = label(frame, root);
    self.set(name, (self.get(name) ?? 0) + us);
    const where = area(frame, root);
    areas.set(where, (areas.get(where) ?? 0) + us);
    // Inclusive: every distinct function on the stack, once even if it recurses.
    seen.clear();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (NOT_CODE.has(f.functionName)) continue;
      const key = label(f, root);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  return {
    file,
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    self: top(self, busy, n),
    inclusive: top(inclusive, busy, n),
    areas: top(areas, busy, n),
  };
}
