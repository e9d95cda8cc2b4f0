// Runs a bot load: bots in this thread or in workers, a progress line, and the final summary.
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import type { BotOptions } from './options';
import { progressLine, summarize, type BotSummary } from './summary';
import { startSwarm } from './swarm';
import { startBotWorker, type FromWorker, type Progress, type ToWorker } from './threads';
import type { TallyData } from './tally';

/** What the caller of `runBots` may plug in. */
export interface RunHooks {
  /** Receives a progress line every second. */
  onProgress?: (line: string) => void;
  /** Ends the run early (the summary still covers what was measured). */
  signal?: AbortSignal;
}

/** Longest wait past the ramp for stragglers before the measurement window opens anyway. */
const RAMP_GRACE_MS = 5000;
/** Longest wait for a worker's final tally. */
const FINAL_MS = 5000;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

interface WorkerHandle {
  worker: Worker;
  progress: Progress;
  final: Promise<TallyData | undefined>;
}

function launch(options: BotOptions, count: number, seed: number, rampPerSec: number): WorkerHandle {
  const worker = startBotWorker({ options, count, probe: 0, seed, rampPerSec });
  const handle: WorkerHandle = {
    worker,
    progress: { bots: 0, connected: 0, connectedNow: 0, dropped: 0, errors: 0, updates: 0 },
    final: new Promise((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress') handle.progress = m.progress;
        else resolve(m.data);
      });
      worker.once('error', (error) => {
        console.error('bots: worker failed:', error);
        resolve(undefined);
      });
      worker.once('exit', () => resolve(undefined));
    }),
  };
  return handle;
}

/**
 * Runs `options.count` bots against `options.url` for `options.duration` seconds (or until the
 * signal aborts) and returns the summary. Every bot, worker and socket is closed before it returns.
 */
export async function runBots(options: BotOptions, hooks: RunHooks = {}): Promise<BotSummary> {
  const startedAt = performance.now();
  const plain = options.count - (options.probe ? 2 * options.probePairs : 0);
  const workers = Math.min(options.workers, plain);
  // The main thread keeps the probe pairs (one clock for turn and sighting) and, without workers, every bot.
  const local = startSwarm({ options, count: workers > 0 ? 0 : plain, probe: options.probe ? options.probePairs : 0, seed: options.seed, rampPerSec: options.rampPerSec });
  const remote: WorkerHandle[] = [];
  for (let w = 0; w < workers; w++) {
    const share = Math.floor(plain / workers) + (w < plain % workers ? 1 : 0);
    remote.push(launch(options, share, options.seed + 1000 * (w + 1), options.rampPerSec / workers));
  }
  const post = (message: ToWorker): void => {
    for (const r of remote) r.worker.postMessage(message);
  };
  const progress = (): Progress => {
    const t = local.tally;
    const total: Progress = { bots: t.bots, connected: t.connected, connectedNow: t.connectedNow, dropped: t.dropped, errors: t.errors, updates: t.updates };
    for (const r of remote) for (const key of Object.keys(total) as (keyof Progress)[]) total[key] += r.progress[key];
    return total;
  };

  const endAt = startedAt + options.duration * 1000;
  const rampDeadline = startedAt + (plain / options.rampPerSec) * 1000 + RAMP_GRACE_MS;
  let markedAt: number | undefined;
  let cpuAtMark = process.cpuUsage();
  let lastLineAt = startedAt;
  let lastUpdates = 0;
  while (!hooks.signal?.aborted && performance.now() < endAt) {
    await sleep(Math.min(100, Math.max(0, endAt - performance.now())), hooks.signal);
    const now = performance.now();
    const p = progress();
    if (markedAt === undefined && (p.connected >= options.count || now >= rampDeadline)) {
      markedAt = now;
      cpuAtMark = process.cpuUsage();
      local.tally.mark();
      post({ type: 'mark' });
    }
    if (now - lastLineAt >= 1000) {
      hooks.onProgress?.(progressLine((now - startedAt) / 1000, options.count, p, ((p.updates - lastUpdates) * 1000) / (now - lastLineAt)));
      lastLineAt = now;
      lastUpdates = p.updates;
    }
  }
  if (markedAt === undefined) {
    // The run ended before every bot connected: measure from the start.
    markedAt = startedAt;
    cpuAtMark = { user: 0, system: 0 };
  }

  const endedAt = performance.now();
  const cpu = process.cpuUsage(cpuAtMark);
  post({ type: 'stop' });
  local.settle();
  const parts: TallyData[] = [local.tally.data()];
  local.stop();
  const finals = await Promise.all(remote.map((r) => Promise.race([r.final, sleep(FINAL_MS).then(() => undefined)])));
  for (const r of remote) await r.worker.terminate();
  // A worker that never answered is left out; `summarize` counts its bots as failed.
  for (const f of finals) if (f !== undefined) parts.push(f);
  return summarize({ ...options, workers }, parts, { runS: (endedAt - startedAt) / 1000, windowS: (endedAt - markedAt) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 });
}
