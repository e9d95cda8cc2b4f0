// Recording a match: the header and a first checkpoint, then per tick what came from outside
// (joins, leaves, drops), the input commands consumed and a hash of the result, with a checkpoint
// every few seconds; streamed to a sink in checksummed chunks.
// One file over 250 lines because it is one closure: the journal hooks, the two tick systems and
// the chunk buffer share the recorder's state (in a step or not, the last flush, the open chunk).
import type { BattleWorld } from '../battle';
import { setJournal, type InputStoreValues, type WorldJournal } from '../journal';
import type { InputCommand } from '../input';
import type { System } from '../world';
import { ENGINE_VERSION } from '../version';
import { ByteWriter, grownTo } from './bytes';
import { inputSystem } from '../systems/input';
import { preamble, sealChunk } from './chunks';
import { writeCheckpoint } from './checkpoint';
import { writeCommands } from './commands';
import { CHUNK_HEAD_BYTES, RecordKind, REPLAY_FORMAT_VERSION } from './format';
import { hashWorld } from './hash';
import type { ReplayHeader } from './header';
import { allocateBattleStores } from './world-state';

/** Options of `recordMatch`. */
export interface RecordOptions {
  /** Receives the file, chunk by chunk, in order (their concatenation is the replay); each chunk is the sink's to keep. */
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
}

/** A recording in progress: see `recordMatch`. */
export interface Recorder {
  /** The header written at the start. */
  readonly header: ReplayHeader;
  /** Bytes handed to the sink so far. */
  readonly bytesWritten: number;
  /**
   * Wall-clock milliseconds the recorder has spent inside steps so far (encoding inputs, hashing,
   * checkpoints, handing chunks to the sink): what recording adds to a tick, for metrics. The
   * input hook's copying of command references goes unmetered.
   */
  readonly busyMs: number;
  /** Non-simulation annotations for viewers (e.g. {type:'name', netId, name}); stored as JSON at the current tick, never affect the sim. */
  meta(data: Record<string, unknown>): void;
  /** Hands buffered bytes to the sink now. */
  flush(): void;
  /** Final flush and end marker; the recorder detaches from the world. Idempotent. */
  close(): void;
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
  // The chunk being written, after room for its head, so flushing frames it where it lies.
  const out = new ByteWriter(1 << 16);
  out.length = CHUNK_HEAD_BYTES;
  const metaDuringStep: string[] = [];
  const before: InputStoreValues = { seq: 0, mx: 0, my: 0, seek: 0 };
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
  const flush = (): void => {
    lastFlushTick = world.time.tick;
    if (out.length === CHUNK_HEAD_BYTES) return;
    // A copy: the sink may keep the chunk (a file stream queues it) while `out` is reused.
    const chunk = sealChunk(out.bytes.slice(0, out.length));
    out.length = CHUNK_HEAD_BYTES;
    emit(chunk);
  };
  const checkpoint = (): void => {
    out.u8(RecordKind.checkpoint);
    const block = out.beginBlock();
    writeCheckpoint(world, out);
    out.endBlock(block);
  };

  // Changes a system makes during a step are the simulation's own: replaying the step makes them again.
  const journal: WorldJournal = {
    consumed(eid, queue, storeBefore) {
      if (inStep) consume(eid, queue, storeBefore);
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

  // The input system hands over each queue once it has applied it (journal.consumed), with the
  // Input store as the tick found the player. The hook only keeps references to the commands
  // (timing each call would cost more than the call); a system right after the input system
  // encodes them, in one timed stretch, while they are still in cache from the input system's
  // reads. The tick's record needs the count of players first, so they go to a scratch writer
  // that the step's end copies into the record. A game whose own input system calls the journal
  // has its commands encoded at the step's end instead.
  const tickInputs = new ByteWriter(1 << 12);
  let players = 0;
  let commandCount = 0;
  let encoded = false;
  let consumedEids = new Int32Array(256);
  let consumedBefore = new Float64Array(4 * 256);
  // Per player, its commands are consumedCommands[ends[i − 1] … ends[i]).
  let consumedEnds = new Int32Array(256);
  const consumedCommands: InputCommand[] = [];
  const consume = (eid: number, queue: readonly InputCommand[], storeBefore: Readonly<InputStoreValues>): void => {
    if (players === consumedEids.length) {
      consumedEids = grownTo(consumedEids, players * 2);
      consumedEnds = grownTo(consumedEnds, players * 2);
      consumedBefore = grownTo(consumedBefore, players * 8);
    }
    consumedEids[players] = eid;
    const b = 4 * players;
    consumedBefore[b] = storeBefore.seq;
    consumedBefore[b + 1] = storeBefore.mx;
    consumedBefore[b + 2] = storeBefore.my;
    consumedBefore[b + 3] = storeBefore.seek;
    for (let i = 0; i < queue.length; i++) consumedCommands[commandCount++] = queue[i]!;
    consumedEnds[players++] = commandCount;
  };
  const encodeInputs = (): void => {
    if (encoded) return;
    encoded = true;
    let previousEid = 0;
    for (let p = 0; p < players; p++) {
      const eid = consumedEids[p]!;
      tickInputs.zigzag(eid - previousEid);
      previousEid = eid;
      before.seq = consumedBefore[4 * p]!;
      before.mx = consumedBefore[4 * p + 1]!;
      before.my = consumedBefore[4 * p + 2]!;
      before.seek = consumedBefore[4 * p + 3]!;
      writeCommands(tickInputs, consumedCommands, p === 0 ? 0 : consumedEnds[p - 1]!, consumedEnds[p]!, before);
    }
  };
  const encodeStepInputs: System<BattleWorld> = () => {
    const startedAt = clock();
    encodeInputs();
    busyMs += clock() - startedAt;
  };

  // Runs first in each step: opens the step's input block.
  const openTick: System<BattleWorld> = () => {
    inStep = true;
    players = 0;
    commandCount = 0;
    encoded = false;
    tickInputs.length = 0;
  };

  // Runs last: the step's record, then checkpoint and flush when due.
  const closeTick: System<BattleWorld> = (w) => {
    const startedAt = clock();
    inStep = false;
    const tick = w.time.tick;
    const dueCheckpoint = (tick - header.startTick) % checkpointEvery === 0;
    const hashed = dueCheckpoint || (tick - header.startTick) % hashEvery === 0;
    out.u8(hashed ? RecordKind.tick : RecordKind.tickUnhashed);
    encodeInputs();
    const block = out.beginBlock();
    out.varint(players);
    out.raw(tickInputs.bytes.subarray(0, tickInputs.length));
    out.endBlock(block);
    if (hashed) out.u32(hashWorld(w));
    for (const json of metaDuringStep) writeMeta(json);
    metaDuringStep.length = 0;
    if (dueCheckpoint) checkpoint();
    if (tick - lastFlushTick >= flushEvery) flush();
    busyMs += clock() - startedAt;
  };

  const writeMeta = (json: string): void => {
    out.u8(RecordKind.meta);
    out.string(json);
  };

  setJournal(world, journal);
  allocateBattleStores(world);
  world.systems.unshift(openTick);
  const inputAt = world.systems.indexOf(inputSystem as System<BattleWorld>);
  if (inputAt >= 0) world.systems.splice(inputAt + 1, 0, encodeStepInputs);
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
      const c = systems.indexOf(encodeStepInputs);
      if (c >= 0) systems.splice(c, 1);
    },
  };
}
