// Worker threads that run bots. Messages: main → worker `mark` | `stop`; worker → main
// `progress` (counters, every second) | `final` (the whole tally, after `stop`).
import { Worker } from 'node:worker_threads';
import type { SwarmPlan } from './swarm';
import type { TallyData } from './tally';

/** Counters a worker reports every second. */
export type Progress = Pick<TallyData, 'bots' | 'connected' | 'connectedNow' | 'dropped' | 'errors' | 'updates'>;

/** Message from main thread to a bot worker. */
export type ToWorker = { type: 'mark' } | { type: 'stop' };

/** Message from a bot worker to the main thread. */
export type FromWorker = { type: 'progress'; progress: Progress } | { type: 'final'; data: TallyData };

/**
 * Starts a worker running `plan`. Compiled (lib/, `npm run bots`) the worker entry is plain
 * JavaScript. From the TypeScript sources, workers do not inherit `--import tsx` on Node 20 (the
 * entry is loaded before the hooks), so the worker registers tsx itself before importing its entry.
 */
export function startBotWorker(plan: SwarmPlan): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./worker.js', import.meta.url), { workerData: plan, execArgv: [] });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: plan, execArgv: [] });
}
