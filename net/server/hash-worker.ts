// Entry of the state-hashing worker thread (see state-hasher.ts): takes the jobs in ticket order
// and hashes each tick's state straight from the shared buffers its job names.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { hashOfParts } from '../../engine/replay/hash';
import { HASH_BUFFERS_CELL, HASH_SLOTS, HASH_SUBMITTED_CELL, HashCell, slotCell, type ToHashWorker } from './state-hasher';

const port = parentPort;
if (port === null) throw new Error('Skirmish: hash-worker runs only as a worker thread');
const cells = new Int32Array(workerData as SharedArrayBuffer);
const buffers = new Map<number, SharedArrayBuffer>();
let registered = 0;

// Takes the buffers registered since (a job names only buffers registered before it).
function receiveBuffers(until: number): void {
  while (registered < until) {
    const m = receiveMessageOnPort(port!);
    if (m === undefined) {
      // Posted but not yet visible here: rare, and never long.
      Atomics.wait(cells, HASH_BUFFERS_CELL, Atomics.load(cells, HASH_BUFFERS_CELL), 1);
      continue;
    }
    const { id, buffer } = m.message as ToHashWorker;
    if (buffer === null) buffers.delete(id);
    else {
      buffers.set(id, buffer);
      registered = Math.max(registered, id + 1);
    }
  }
}

// How often to look for work: while ticks come (a tick is 33 ms at 30 Hz, so 5 ms leaves most of
// the gap to hash in), and after a second without any (a recording that starts then has its first
// ticks settled on the main thread until this one looks again).
const BUSY_POLL_MS = 5;
const IDLE_POLL_MS = 250;
const IDLE_AFTER_MS = 1000;

// A blocking loop is what this thread is for: it only ever waits for the next ticket. Nobody
// notifies it (that would cost the ticking thread a system call per tick): it polls.
for (let next = 1, lastJobAt = 0; ; ) {
  const submitted = Atomics.load(cells, HASH_SUBMITTED_CELL);
  if (submitted < next) {
    Atomics.wait(cells, HASH_SUBMITTED_CELL, submitted, performance.now() - lastJobAt > IDLE_AFTER_MS ? IDLE_POLL_MS : BUSY_POLL_MS);
    continue;
  }
  lastJobAt = performance.now();
  const at = slotCell(next % HASH_SLOTS);
  if (Atomics.load(cells, at + HashCell.state) === next) {
    try {
      receiveBuffers(Atomics.load(cells, HASH_BUFFERS_CELL));
      const words = new Uint8Array(buffers.get(cells[at + HashCell.wordsBuffer]!)!, 0, cells[at + HashCell.wordsLength]);
      const parts: Uint8Array[] = [];
      const count = cells[at + HashCell.parts]!;
      for (let p = 0; p < count; p++) {
        const c = at + HashCell.firstPart + 3 * p;
        parts.push(new Uint8Array(buffers.get(cells[c]!)!, cells[c + 1], cells[c + 2]));
      }
      const hash = hashOfParts(words, parts);
      // Only if the job is still ours: the main thread may have settled it meanwhile.
      if (Atomics.load(cells, at + HashCell.state) === next) {
        Atomics.store(cells, at + HashCell.result, hash | 0);
        Atomics.compareExchange(cells, at + HashCell.state, next, -next);
      }
    } catch {
      // A job read while the main thread rewrote its slot (it settled it): nothing to publish.
    }
  }
  next++;
}
