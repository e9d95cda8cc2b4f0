// Entry of the state-hashing worker thread (see state-hasher.ts): hashes each submitted snapshot
// in ticket order and publishes the result through the shared control array.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { hashSnapshot } from '../../engine/replay/hash';
import type { HashWorkerData, ToHashWorker } from './state-hasher';

const port = parentPort;
if (port === null) throw new Error('Skirmish: hash-worker runs only as a worker thread');
const init = workerData as HashWorkerData;
const slots = init.slots;
const control = new Int32Array(init.control);
const state = control.subarray(0, slots);
const result = control.subarray(slots, 2 * slots);
const length = control.subarray(2 * slots, 3 * slots);
const generation = control.subarray(3 * slots, 3 * slots + 1);
let data = new Uint8Array(init.data);
let slotBytes = init.slotBytes;
let dataGeneration = 0;

// Takes the buffers the main thread grew into (it notifies the slot this thread waits on).
function drainMessages(): void {
  for (let m = receiveMessageOnPort(port!); m !== undefined; m = receiveMessageOnPort(port!)) {
    const message = m.message as ToHashWorker;
    data = new Uint8Array(message.data);
    slotBytes = message.slotBytes;
    dataGeneration = message.generation;
  }
}

// A blocking loop is what this thread is for: it only ever waits for the next ticket.
for (let next = 1; ; ) {
  drainMessages();
  const slot = next % slots;
  const submitted = Atomics.load(state, slot);
  if (submitted !== next) {
    Atomics.wait(state, slot, submitted, 100);
    continue;
  }
  if (Atomics.load(generation, 0) !== dataGeneration) {
    // The slots moved and the message saying where has not arrived yet.
    Atomics.wait(state, slot, submitted, 1);
    continue;
  }
  const start = slot * slotBytes;
  try {
    const hash = hashSnapshot(data.subarray(start, start + Atomics.load(length, slot)));
    Atomics.store(result, slot, hash | 0);
    Atomics.store(state, slot, -next);
  } catch {
    // A snapshot this thread cannot read: give the ticket up; the recorder hashes it itself.
    Atomics.store(state, slot, 0);
  }
  next++;
}
