// Recording a match: the header and a first checkpoint, then per tick what came from outside
// (joins, leaves, drops), the input commands consumed and a hash of the result, with a checkpoint
// every few seconds; streamed to a sink in checksummed chunks.
import type { BattleWorld } from '../battle';
import { getStore } from '../component';
import { Input } from '../components';
import { setJournal, type WorldJournal } from '../journal';
import type { InputCommand } from '../input';
import type { System } from '../world';
import { ENGINE_VERSION } from '../version';
import { ByteWriter } from './bytes';
import { frameChunk, preamble } from './chunks';
import { writeCheckpoint } from './checkpoint';
import { writeCommands, type InputBefore } from './commands';
import { RecordKind, REPLAY_FORMAT_VERSION } from './format';
import { hashWorld, writeHashSnapshot } from './hash';
import type { SnapshotHasher } from './snapshot-hasher';
import type { ReplayHeader } from './header';
import { allocateBattleStores } from './world-state';

/** Options of `recordMatch`. */
export interface RecordOptions {
  /** Receives the file, chunk by chunk, in order (their concatenation is the replay). */
  sink(chunk: Uint8Array): void;
  /** Stored in the header. Default 'battle'. */
  matchType?: string;
  /** Stored in the header. Default ''. */
  matchId?: string;
  /** Ticks between checkpoints (seek and verify start from them). Default 10 s of ticks. */
  checkpointEveryTicks?: number;
  /** Most ticks between two chunks handed to the sink (what a crash can lose). Default 1 s of ticks. */
  flushEveryTicks?: number;
  /** Wall-clock start for the header (ms since the epoch). Default `Date.now()`. */
  startedAtMs?: number;
  /**
   * Ticks between state hashes. Default 1: every tick, so verification names the exact tick of a
   * divergence. Hashing is most of what recording costs; a large match can trade that precision
   * for CPU. Checkpoint ticks are always hashed.
   */
  hashEveryTicks?: number;
  /**
   * Hashes the state somewhere else (a worker thread): the tick then only copies the state, and
   * each tick's record reaches the sink once its hash is known (a hash not known two ticks later
   * is computed here). The file is the same as without it. Default: hash on this thread.
   */
  hasher?: SnapshotHasher;
}

/** A recording in progress: see `recordMatch`. */
export interface Recorder {
  /** The header written at the start. */
  readonly header: ReplayHeader;
  /** Bytes handed to the sink so far. */
  readonly bytesWritten: number;
  /**
   * Wall-clock milliseconds the recorder has spent inside steps so far (capturing inputs, hashing,
   * checkpoints, handing chunks to the sink): what recording adds to a tick, for metrics.
   */
  readonly busyMs: number;
  /** Non-simulation annotations for viewers (e.g. {type:'name', netId, name}); stored as JSON at the current tick, never affect the sim. */
  meta(data: Record<string, unknown>): void;
  /** Hands buffered bytes to the sink now. */
  flush(): void;
  /** Final flush and end marker; the recorder detaches from the world. Idempotent. */
  close(): void;
}

// A power of two: one tick in this many times the input capture call by call.
const INPUT_TIMING_EVERY = 8;

/** Bytes of `v` as an unsigned LEB128 varint. */
function varintBytes(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`Skirmish: ${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Starts recording `world` from its current tick: writes the header and a checkpoint now, then
 * hooks a system before and after the world's systems and listens to `spawnPlayer`,
 * `despawnPlayer` and `setOffline`. Close it when the match ends (or the world is dropped).
 * @throws when the world is already being recorded, or an option is not a positive integer.
 */
export function recordMatch(world: BattleWorld, options: RecordOptions): Recorder {
  const tickRate = 1 / world.time.dt;
  const checkpointEvery = positiveInteger('checkpointEveryTicks', options.checkpointEveryTicks ?? Math.max(1, Math.round(10 * tickRate)));
  const hashEvery = positiveInteger('hashEveryTicks', options.hashEveryTicks ?? 1);
  const flushEvery = positiveInteger('flushEveryTicks', options.flushEveryTicks ?? Math.max(1, Math.round(tickRate)));
  const header: ReplayHeader = {
    formatVersion: REPLAY_FORMAT_VERSION,
    engineVersion: ENGINE_VERSION,
    matchType: options.matchType ?? 'battle',
    matchId: options.matchId ?? '',
    rules: world.rules,
    seed: world.seed,
    tickRate,
    dtS: world.time.dt,
    capacity: world.capacity,
    startTick: world.time.tick,
    startedAtMs: options.startedAtMs ?? Date.now(),
  };
  const out = new ByteWriter(1 << 16);
  const inputs = new ByteWriter(1 << 12);
  const metaDuringStep: string[] = [];
  const input = getStore(world, Input);
  const before: InputBefore = { seq: 0, mx: 0, my: 0, seek: 0 };
  let bytesWritten = 0;
  let busyMs = 0;
  // performance.now() where it exists (browsers, Node): a cost meter, never simulation time.
  const clock: () => number = typeof performance === 'undefined' ? Date.now : () => performance.now();
  let lastFlushTick = world.time.tick;
  let inStep = false;
  let closed = false;

  const emit = (bytes: Uint8Array): void => {
    bytesWritten += bytes.length;
    options.sink(bytes);
  };
  // Tick records whose hash the hasher still owes: where the hash goes, where the record starts.
  const hasher = options.hasher;
  const owed: { ticket: number; tick: number; hashAt: number; recordAt: number }[] = [];
  // Writes the hashes the hasher has delivered (in order) into their records, freeing its slots;
  // `all` computes the missing ones here, and so is any owed for two ticks already.
  const settle = (all: boolean): void => {
    let known = 0;
    for (; known < owed.length; known++) {
      const o = owed[known]!;
      const hash = all || world.time.tick - o.tick >= 2 ? hasher!.now(o.ticket) : hasher!.poll(o.ticket);
      if (hash === undefined) break;
      out.view.setUint32(o.hashAt, hash, true);
    }
    if (known > 0) owed.splice(0, known);
  };
  // Hands the sink every record whose hash is known, in order.
  const flush = (all = true): void => {
    if (owed.length > 0) settle(all);
    const cut = owed.length === 0 ? out.length : owed[0]!.recordAt;
    lastFlushTick = world.time.tick;
    if (cut === 0) return;
    const chunk = frameChunk(out.bytes.subarray(0, cut));
    out.bytes.copyWithin(0, cut, out.length);
    out.length -= cut;
    for (const o of owed) {
      o.hashAt -= cut;
      o.recordAt -= cut;
    }
    emit(chunk);
  };
  // Bytes to ask the hasher for: grows to what a snapshot needed when a lent buffer was too small.
  let snapshotBytesHint = 1 << 16;
  // The state hash of the tick just stepped: here, or by the hasher (a placeholder until flush).
  const writeHash = (w: BattleWorld, recordAt: number): void => {
    const lent = hasher?.acquire(snapshotBytesHint);
    if (lent !== undefined) {
      const length = writeHashSnapshot(w, lent);
      if (length >= 0) {
        owed.push({ ticket: hasher!.submit(length), tick: w.time.tick, hashAt: out.length, recordAt });
        out.u32(0);
        return;
      }
      snapshotBytesHint = -length;
    }
    out.u32(hashWorld(w));
  };
  // Kept between checkpoints: a checkpoint of a large match is hundreds of kB, and allocating
  // (and zeroing) that every time costs more than writing it.
  const body = new ByteWriter(1 << 14);
  const checkpoint = (): void => {
    out.u8(RecordKind.checkpoint);
    body.length = 0;
    writeCheckpoint(world, body);
    out.varint(body.length);
    out.raw(body.written());
  };

  // Changes a system makes during a step are the simulation's own: replaying the step makes them again.
  const journal: WorldJournal = {
    consumed(eid, queue) {
      if (!inStep) return;
      if (!timedTick) {
        consume(eid, queue);
        return;
      }
      const startedAt = clock();
      consume(eid, queue);
      timedMs += Math.max(0, clock() - startedAt - clockCostMs);
    },
    spawned(eid, x, y, random) {
      if (inStep) return;
      out.u8(RecordKind.spawn);
      out.varint(eid);
      out.u8(random ? 1 : 0);
      out.f32(x);
      out.f32(y);
    },
    despawned(eid) {
      if (inStep) return;
      out.u8(RecordKind.despawn);
      out.varint(eid);
    },
    offline(eid, offline) {
      if (inStep) return;
      out.u8(RecordKind.offline);
      out.varint(eid);
      out.u8(offline ? 1 : 0);
    },
  };

  // The input system hands over each queue just before applying it (journal.consumed). Timing
  // every call would cost more than the calls, so one tick in INPUT_TIMING_EVERY is timed call by
  // call (less what reading the clock itself adds to an interval) and the others are charged at
  // the per-command rate that tick measured.
  let clockCostMs = Infinity;
  for (let i = 0; i < 64; i++) {
    const a = clock();
    clockCostMs = Math.min(clockCostMs, clock() - a);
  }
  let players = 0;
  let previousEid = 0;
  let commands = 0;
  let timedTick = false;
  let msPerCommand = 0;
  let timedMs = 0;
  const consume = (eid: number, queue: readonly InputCommand[]): void => {
    players++;
    commands += queue.length;
    inputs.zigzag(eid - previousEid);
    previousEid = eid;
    before.seq = input.seq[eid]!;
    before.mx = input.mx[eid]!;
    before.my = input.my[eid]!;
    before.seek = input.seek[eid]!;
    writeCommands(inputs, queue, before);
  };

  // Runs first in each step: opens the step's input block.
  const openTick: System<BattleWorld> = (w) => {
    inStep = true;
    inputs.length = 0;
    players = 0;
    previousEid = 0;
    commands = 0;
    timedMs = 0;
    timedTick = (w.time.tick & (INPUT_TIMING_EVERY - 1)) === 0;
  };

  // Runs last: the step's record, then checkpoint and flush when due.
  const closeTick: System<BattleWorld> = (w) => {
    const startedAt = clock();
    inStep = false;
    if (timedTick) {
      busyMs += timedMs;
      if (commands > 0) msPerCommand = timedMs / commands;
    } else {
      busyMs += msPerCommand * commands;
    }
    const tick = w.time.tick;
    const dueCheckpoint = (tick - header.startTick) % checkpointEvery === 0;
    const hashed = dueCheckpoint || (tick - header.startTick) % hashEvery === 0;
    if (owed.length > 0) settle(false);
    const recordAt = out.length;
    out.u8(hashed ? RecordKind.tick : RecordKind.tickUnhashed);
    out.varint(varintBytes(players) + inputs.length);
    out.varint(players);
    out.raw(inputs.written());
    if (hashed) writeHash(w, recordAt);
    for (const json of metaDuringStep) writeMeta(json);
    metaDuringStep.length = 0;
    if (dueCheckpoint) checkpoint();
    if (tick - lastFlushTick >= flushEvery) flush(false);
    busyMs += clock() - startedAt;
  };

  const writeMeta = (json: string): void => {
    out.u8(RecordKind.meta);
    out.string(json);
  };

  setJournal(world, journal);
  allocateBattleStores(world);
  world.systems.unshift(openTick);
  world.systems.push(closeTick);
  emit(preamble());
  out.u8(RecordKind.header);
  out.string(JSON.stringify(header));
  checkpoint();
  flush();

  return {
    header,
    get bytesWritten() {
      return bytesWritten;
    },
    get busyMs() {
      return busyMs;
    },
    meta(data) {
      if (closed) throw new Error('Skirmish: meta on a closed recorder');
      const json = JSON.stringify(data);
      if (inStep) metaDuringStep.push(json);
      else writeMeta(json);
    },
    flush,
    close() {
      if (closed) return;
      closed = true;
      out.u8(RecordKind.end);
      flush();
      setJournal(world, null);
      const systems = world.systems;
      const a = systems.indexOf(openTick);
      if (a >= 0) systems.splice(a, 1);
      const b = systems.indexOf(closeTick);
      if (b >= 0) systems.splice(b, 1);
    },
  };
}
