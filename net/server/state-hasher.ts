// Recording hashes the state of every tick (engine/replay). On a server the worlds keep their
// stores in shared memory, and a worker thread hashes a tick's state straight from them while the
// match waits for its next tick; the tick pays only for describing the state (which buffers,
// where). One hasher serves every match of the process.
//
// Protocol, over one Int32Array in shared memory: the main thread writes a job into slot
// `ticket % SLOTS` (the state's words copied into the slot's own buffer, then each part as buffer
// id, byte offset, length), sets the slot's state to the ticket and bumps `submitted`. The worker
// looks for new tickets every few milliseconds and takes them in order; it skips one whose slot no longer holds it (settled here first), and
// publishes a result by swapping the state from ticket to −ticket. `settle` swaps ticket → 0 to
// take a job back: whichever swap wins decides who hashed it, so a late worker never matters.
import { Worker } from 'node:worker_threads';
import { hashOfParts, type StateHasher } from '../../engine';
import type { Logger } from './logger';

/** Jobs in flight at once (one per recording match per tick, at most). */
export const HASH_SLOTS = 64;
/** Most parts a job can describe (stores × (fields + 1)); a state with more hashes in place. */
export const HASH_MAX_PARTS = 256;
// Int32 cells per slot: state, result, words buffer id, words length, part count, parts × 3.
const SLOT_CELLS = 5 + 3 * HASH_MAX_PARTS;
/** Cell of the highest ticket submitted so far (the worker waits on it). */
export const HASH_SUBMITTED_CELL = HASH_SLOTS * SLOT_CELLS;
/** Cell of how many buffers have been registered (a job may only name those). */
export const HASH_BUFFERS_CELL = HASH_SUBMITTED_CELL + 1;
/** Int32 cells of the control buffer. */
export const HASH_CONTROL_CELLS = HASH_BUFFERS_CELL + 1;
/** Offsets of a slot's cells. */
export const HashCell = { state: 0, result: 1, wordsBuffer: 2, wordsLength: 3, parts: 4, firstPart: 5 } as const;
/** First cell of `slot`. */
export const slotCell = (slot: number): number => slot * SLOT_CELLS;

/** Main thread → worker: a buffer jobs may now name by `id`, or (null) one no job will name again. */
export interface ToHashWorker {
  id: number;
  buffer: SharedArrayBuffer | null;
}

/** A `StateHasher` on a worker thread. */
export interface WorkerHasher extends StateHasher {
  /** Jobs handed to the worker, hashes it delivered, hashes settled here after all, and states hashed in place from the start. */
  readonly stats: { submitted: number; byWorker: number; settledHere: number; refused: number };
  /** Stops the worker; later jobs are refused (hashed in place). */
  close(): Promise<void>;
}

function startWorker(control: SharedArrayBuffer): Worker {
  // Compiled (lib/) the entry is JavaScript; from the sources (tests, bench), a worker does not
  // inherit `--import tsx` on Node 20, so it registers tsx before importing its entry.
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: control, execArgv: [] });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./hash-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: control, execArgv: [] });
}

/** A hasher whose worker starts on first use. */
export function createWorkerHasher(options: { log?: Logger } = {}): WorkerHasher {
  const control = new SharedArrayBuffer(4 * HASH_CONTROL_CELLS);
  const cells = new Int32Array(control);
  const stats = { submitted: 0, byWorker: 0, settledHere: 0, refused: 0 };
  const bufferIds = new WeakMap<SharedArrayBuffer, number>();
  let buffers = 0;
  // A world that is gone takes its stores with it: the worker lets go of them too.
  const forget = new FinalizationRegistry<number>((id) => {
    if (!dead) worker?.postMessage({ id, buffer: null } satisfies ToHashWorker);
  });
  // Per slot: its words buffer, and the views of its job (to hash here if the worker is late).
  const words: (Uint8Array | undefined)[] = Array.from({ length: HASH_SLOTS }, () => undefined);
  const jobs: { words: Uint8Array; parts: readonly Uint8Array[] }[] = Array.from({ length: HASH_SLOTS }, () => ({ words: new Uint8Array(0), parts: [] }));
  let worker: Worker | undefined;
  let dead = false;
  let next = 1;
  // A world hands over the same views tick after tick (until its ids grow): their descriptors
  // (buffer id, offset, length) are worked out once, keyed by the first view.
  const layouts = new WeakMap<Uint8Array, { parts: readonly Uint8Array[]; cells: Int32Array }>();
  const layoutOf = (parts: readonly Uint8Array[]): { parts: readonly Uint8Array[]; cells: Int32Array } | undefined => {
    const known = layouts.get(parts[0]!);
    if (known !== undefined && known.parts.length === parts.length && known.parts.every((p, i) => p === parts[i])) return known;
    if (!parts.every((p) => p.buffer instanceof SharedArrayBuffer)) return undefined;
    const cells = new Int32Array(3 * parts.length);
    parts.forEach((part, p) => {
      cells[3 * p] = register(part.buffer as SharedArrayBuffer);
      cells[3 * p + 1] = part.byteOffset;
      cells[3 * p + 2] = part.length;
    });
    const layout = { parts: parts.slice(), cells };
    layouts.set(parts[0]!, layout);
    return layout;
  };

  const register = (buffer: SharedArrayBuffer): number => {
    let id = bufferIds.get(buffer);
    if (id === undefined) {
      id = buffers++;
      bufferIds.set(buffer, id);
      forget.register(buffer, id);
      worker!.postMessage({ id, buffer } satisfies ToHashWorker);
      Atomics.store(cells, HASH_BUFFERS_CELL, buffers);
    }
    return id;
  };
  const ensureWorker = (): void => {
    if (worker !== undefined) return;
    worker = startWorker(control);
    worker.unref();
    worker.on('error', (error) => {
      dead = true;
      options.log?.error({ err: error }, 'state hash worker failed; recordings hash on the tick thread');
    });
    worker.on('exit', () => void (dead = true));
  };

  return {
    stats,
    begin(stateWords, parts) {
      if (dead || parts.length === 0 || parts.length > HASH_MAX_PARTS) {
        stats.refused++;
        return undefined;
      }
      ensureWorker();
      const ticket = next;
      const slot = ticket % HASH_SLOTS;
      const at = slotCell(slot);
      // A slot still holding an unsettled job (more matches than slots, or a stuck worker).
      if (Atomics.load(cells, at + HashCell.state) > 0) {
        stats.refused++;
        return undefined;
      }
      const layout = layoutOf(parts);
      if (layout === undefined) {
        stats.refused++;
        return undefined;
      }
      let slotWords = words[slot];
      if (slotWords === undefined || slotWords.length < stateWords.length) {
        slotWords = new Uint8Array(new SharedArrayBuffer(Math.max(1024, stateWords.length * 2)));
        words[slot] = slotWords;
      }
      slotWords.set(stateWords);
      cells[at + HashCell.wordsBuffer] = register(slotWords.buffer as SharedArrayBuffer);
      cells[at + HashCell.wordsLength] = stateWords.length;
      cells[at + HashCell.parts] = parts.length;
      cells.set(layout.cells, at + HashCell.firstPart);
      jobs[slot] = { words: slotWords.subarray(0, stateWords.length), parts: layout.parts };
      next++;
      Atomics.store(cells, at + HashCell.state, ticket);
      // No Atomics.notify: waking a sleeping thread is a system call (tens of µs on a loaded VM),
      // paid by the tick. The worker looks for work every few ms instead (see hash-worker.ts).
      Atomics.store(cells, HASH_SUBMITTED_CELL, ticket);
      stats.submitted++;
      return ticket;
    },
    done(ticket) {
      return Atomics.load(cells, slotCell(ticket % HASH_SLOTS) + HashCell.state) === -ticket;
    },
    settle(ticket) {
      const slot = ticket % HASH_SLOTS;
      const at = slotCell(slot);
      const was = Atomics.compareExchange(cells, at + HashCell.state, ticket, 0);
      if (was === -ticket) {
        Atomics.store(cells, at + HashCell.state, 0);
        stats.byWorker++;
        return Atomics.load(cells, at + HashCell.result) >>> 0;
      }
      if (was !== ticket) throw new Error(`Skirmish: hash ticket ${ticket} is not pending (slot holds ${was})`);
      stats.settledHere++;
      const job = jobs[slot]!;
      return hashOfParts(job.words, job.parts);
    },
    async close() {
      dead = true;
      await worker?.terminate();
    },
  };
}
