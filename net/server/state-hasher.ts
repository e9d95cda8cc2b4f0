// Recording hashes the state of every tick (engine/replay); on a server that hashing runs on a
// worker thread, so the tick pays only for copying the state into a shared slot. One hasher
// serves every match of the process: tickets are handed out in order and the worker takes them
// in that order. A slow or dead worker never holds a tick up: a slot that is not free makes the
// recorder hash in place, and a hash not ready when its record is due is computed by the recorder.
import { Worker } from 'node:worker_threads';
import { hashSnapshot, type SnapshotHasher } from '../../engine';
import type { Logger } from './logger';

/** What the worker starts with. */
export interface HashWorkerData {
  slots: number;
  /** Int32 cells: state[slots] (ticket submitted, −ticket done, else free), result[slots], length[slots], data generation. */
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  slotBytes: number;
}

/** Main thread → worker: the slots moved to a bigger buffer. */
export interface ToHashWorker {
  data: SharedArrayBuffer;
  slotBytes: number;
  generation: number;
}

/** A `SnapshotHasher` on a worker thread. */
export interface WorkerHasher extends SnapshotHasher {
  /** Snapshots handed to the worker, hashes it delivered, and hashes computed on this thread after all. */
  readonly stats: { submitted: number; byWorker: number; inPlace: number; refused: number };
  /** Stops the worker. */
  close(): Promise<void>;
}

function workerEntry(data: HashWorkerData): Worker {
  // Compiled (lib/) the entry is JavaScript; from the sources (tests, bench), a worker does not
  // inherit `--import tsx` on Node 20, so it registers tsx before importing its entry.
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: data, execArgv: [] });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./hash-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: data, execArgv: [] });
}

/** Options of `createWorkerHasher`. */
export interface WorkerHasherOptions {
  /** Snapshots in flight at once. Default 16. */
  slots?: number;
  log?: Logger;
}

/** A hasher whose worker starts on first use. */
export function createWorkerHasher(options: WorkerHasherOptions = {}): WorkerHasher {
  const slots = options.slots ?? 16;
  const control = new SharedArrayBuffer(4 * (3 * slots + 1));
  const cells = new Int32Array(control);
  const state = cells.subarray(0, slots);
  const result = cells.subarray(slots, 2 * slots);
  const length = cells.subarray(2 * slots, 3 * slots);
  const generation = cells.subarray(3 * slots, 3 * slots + 1);
  // The ticket whose hash this thread still wants, per slot: a slot is lent again only when the
  // worker is done with it and nobody here needs its bytes.
  const wanted = new Int32Array(slots);
  const stats = { submitted: 0, byWorker: 0, inPlace: 0, refused: 0 };
  let worker: Worker | undefined;
  let dead = false;
  let closed = false;
  let data: SharedArrayBuffer | undefined;
  let bytes: Uint8Array = new Uint8Array(0);
  let slotBytes = 0;
  let next = 1;

  const start = (need: number): void => {
    slotBytes = Math.max(1 << 16, Math.ceil((need * 1.25) / 64) * 64);
    data = new SharedArrayBuffer(slotBytes * slots);
    bytes = new Uint8Array(data);
    worker = workerEntry({ slots, control, data, slotBytes });
    worker.unref();
    worker.on('error', (error) => {
      dead = true;
      options.log?.error({ err: error }, 'state hash worker failed; recordings hash on the tick thread');
    });
    worker.on('exit', () => void (dead = true));
  };
  const idle = (): boolean => {
    for (let s = 0; s < slots; s++) if (wanted[s] !== 0 || Atomics.load(state, s) > 0) return false;
    return true;
  };
  const grow = (need: number): void => {
    slotBytes = Math.ceil((need * 1.25) / 64) * 64;
    data = new SharedArrayBuffer(slotBytes * slots);
    bytes = new Uint8Array(data);
    const g = Atomics.add(generation, 0, 1) + 1;
    worker!.postMessage({ data, slotBytes, generation: g } satisfies ToHashWorker);
    Atomics.notify(state, next % slots);
  };
  const slotOf = (ticket: number): number => ticket % slots;
  const ready = (ticket: number): number | undefined => {
    const slot = slotOf(ticket);
    if (wanted[slot] !== ticket || Atomics.load(state, slot) !== -ticket) return undefined;
    wanted[slot] = 0;
    stats.byWorker++;
    return Atomics.load(result, slot) >>> 0;
  };

  return {
    stats,
    acquire(need) {
      if (dead || closed) return undefined;
      if (worker === undefined) start(need);
      else if (need > slotBytes) {
        if (!idle()) {
          stats.refused++;
          return undefined;
        }
        grow(need);
      }
      const slot = slotOf(next);
      if (wanted[slot] !== 0 || Atomics.load(state, slot) > 0) {
        stats.refused++;
        return undefined;
      }
      return bytes.subarray(slot * slotBytes, (slot + 1) * slotBytes);
    },
    submit(snapshotBytes) {
      const ticket = next++;
      const slot = slotOf(ticket);
      wanted[slot] = ticket;
      Atomics.store(length, slot, snapshotBytes);
      Atomics.store(state, slot, ticket);
      Atomics.notify(state, slot);
      stats.submitted++;
      return ticket;
    },
    poll: ready,
    now(ticket) {
      const done = ready(ticket);
      if (done !== undefined) return done;
      const slot = slotOf(ticket);
      if (wanted[slot] !== ticket) throw new Error(`Skirmish: hash ticket ${ticket} is not owed`);
      wanted[slot] = 0;
      stats.inPlace++;
      return hashSnapshot(bytes.subarray(slot * slotBytes, slot * slotBytes + Atomics.load(length, slot)));
    },
    async close() {
      closed = true;
      await worker?.terminate();
    },
  };
}
