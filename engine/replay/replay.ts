// Playing a recording back: a world built from the header, restored from the nearest checkpoint,
// then stepped with the recorded outside changes and inputs.
import type { BattleWorld } from '../battle';
import type { AnyComponentDef } from '../component';
import { getStore } from '../component';
import { Input } from '../components';
import { createBattleWorld } from '../create-battle-world';
import type { InputStoreValues } from '../journal';
import { despawnPlayer, setOffline, spawnPlayer } from '../player';
import { battleSystems } from '../systems';
import { step, type System } from '../world';
import { ByteReader, ByteWriter } from './bytes';
import { readCheckpoint, restoreCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint';
import { readCommands } from './commands';
import { ReplayFormatError } from './errors';
import type { ReplayHeader } from './header';
import { parseReplay, type OutsideChange, type ParsedReplay, type RecordedStep } from './parse';

/** A recording opened for viewing: seek anywhere, step tick by tick, read `world`. */
export interface Replay {
  /** The recording's header. */
  readonly header: ReplayHeader;
  /** The first tick there is state for (the header's start tick). */
  readonly firstTick: number;
  /** The last recorded tick. */
  readonly lastTick: number;
  /** Ticks that have a checkpoint (seeks start from the nearest one). */
  readonly checkpointTicks: readonly number[];
  /** The file ended mid-chunk (a crash, or still being written). */
  readonly truncated: boolean;
  /** The recorder was closed: the file has its end marker. */
  readonly ended: boolean;
  /** The replay's world, currently at `tick`; renderers read it directly. */
  readonly world: BattleWorld;
  /** The tick `world` is at. */
  readonly tick: number;
  /**
   * Puts `world` at `tick`: from the nearest checkpoint at or before it (a recorded one, or a
   * snapshot the replay took while passing through earlier, or where it is now), stepping the
   * recorded ticks.
   * @throws when `tick` is outside [firstTick, lastTick]; ReplayFormatError when the recording
   * does not replay on this engine (a recorded despawn of an entity that is not a player).
   */
  seek(tick: number): void;
  /**
   * Advances one recorded tick; `world.events` then holds that tick's events (kills etc.).
   * @throws at the last tick; ReplayFormatError as `seek`.
   */
  stepOne(): void;
  /** The hash the recorder took after `tick`, if that tick was recorded and hashed. */
  recordedHash(tick: number): number | undefined;
  /** Annotations the recorder stored, with the tick they were made at. */
  readonly meta: readonly { tick: number; data: Record<string, unknown> }[];
}

/** Options of `replay` and `verifyReplay`. */
export interface ReplayOptions {
  /** The systems the match ran. Default `battleSystems`. */
  systems?: System<BattleWorld>[];
  /** Definitions of custom components the systems use, so checkpoints restore into their stores. */
  components?: AnyComponentDef[];
}

/** A world built from a parsed recording, and the means to move it along the recording. */
export interface Player {
  readonly parsed: ParsedReplay;
  readonly world: BattleWorld;
  /** Restores the checkpoint at index `i` of `parsed.checkpoints`. */
  restore(i: number): void;
  /** Reads the checkpoint at index `i`. */
  checkpointState(i: number): CheckpointState;
  /** Puts the world in `state` (a checkpoint, or a snapshot of this replay's own world). */
  restoreState(state: CheckpointState): void;
  /** The world's current state, as a checkpoint would hold it. */
  snapshot(): CheckpointState;
  /** Applies the outside changes and inputs of the next recorded step and runs it. */
  advance(): RecordedStep;
}

function applyOutside(world: BattleWorld, change: OutsideChange, tick: number): void {
  try {
    if (change.kind === 'spawn') {
      const eid = spawnPlayer(world, change.random ? {} : { at: { x: change.x, y: change.y } });
      if (eid !== change.eid) throw new ReplayFormatError(`tick ${tick}: a join got entity ${eid} on replay, ${change.eid} when recorded`);
    } else if (change.kind === 'despawn') despawnPlayer(world, change.eid);
    else setOffline(world, change.eid, change.offline);
  } catch (error) {
    if (error instanceof ReplayFormatError) throw error;
    throw new ReplayFormatError(`tick ${tick}: the recorded ${change.kind} of entity ${change.eid} does not apply to the replayed world (${(error as Error).message})`);
  }
}

/** Creates the world of a parsed recording at its first checkpoint. */
export function createPlayer(parsed: ParsedReplay, options: ReplayOptions = {}): Player {
  const { header } = parsed;
  let world: BattleWorld;
  try {
    world = createBattleWorld({ rules: header.rules, seed: header.seed, capacity: header.capacity, dt: header.dtS, systems: [...(options.systems ?? battleSystems)] });
  } catch (error) {
    throw new ReplayFormatError(`the header's rules or capacity do not make a world (${(error as Error).message})`);
  }
  const extra = options.components ?? [];
  const input = getStore(world, Input);
  const before: InputStoreValues = { seq: 0, mx: 0, my: 0, seek: 0 };
  const states = new Map<number, CheckpointState>();
  let next = 0; // index into parsed.steps of the step to run next
  const checkpointState = (i: number): CheckpointState => {
    let state = states.get(i);
    if (state === undefined) {
      const cp = parsed.checkpoints[i]!;
      state = readCheckpoint(cp.body, header.capacity);
      if (state.tick !== cp.tick) throw new ReplayFormatError(`checkpoint at tick ${cp.tick} says it is of tick ${state.tick}`);
      // Checkpoints are small next to the world; keeping the few a viewer seeks between saves re-reading them.
      if (states.size > 16) states.clear();
      states.set(i, state);
    }
    return state;
  };
  const restoreState = (state: CheckpointState): void => {
    restoreCheckpoint(world, state, extra);
    next = state.tick - header.startTick;
  };
  const restore = (i: number): void => restoreState(checkpointState(i));
  restore(0);
  return {
    parsed,
    world,
    restore,
    checkpointState,
    restoreState,
    snapshot() {
      const out = new ByteWriter(1 << 16);
      writeCheckpoint(world, out);
      return readCheckpoint(out.written(), header.capacity);
    },
    advance() {
      const recorded = parsed.steps[next];
      if (recorded === undefined) throw new Error(`Skirmish: replay has no tick after ${world.time.tick}`);
      for (const change of recorded.outside) applyOutside(world, change, recorded.tick);
      const r = new ByteReader(recorded.inputs);
      const players = r.varint();
      let eid = 0;
      for (let i = 0; i < players; i++) {
        eid += r.zigzag();
        const queue = world.inputs.get(eid);
        if (queue === undefined) throw new ReplayFormatError(`tick ${recorded.tick}: inputs of entity ${eid}, which is not a player in the replayed world`);
        before.seq = input.seq[eid]!;
        before.mx = input.mx[eid]!;
        before.my = input.my[eid]!;
        before.seek = input.seek[eid]!;
        const commands = readCommands(r, before);
        for (const cmd of commands) queue.push(cmd);
      }
      if (!r.done) throw new ReplayFormatError(`tick ${recorded.tick}: input block has ${r.end - r.offset} bytes left over`);
      step(world);
      next++;
      return recorded;
    },
  };
}

/** Index of the last checkpoint at or before `tick`. */
export function checkpointBefore(parsed: ParsedReplay, tick: number): number {
  let lo = 0;
  let hi = parsed.checkpoints.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (parsed.checkpoints[mid]!.tick <= tick) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// 100 ticks: a snapshot costs about as much as a few ticks, so snapshots add a few percent to playback.
const SNAPSHOT_EVERY_TICKS = 100;
// At 500 players a snapshot holds a few hundred kB (mostly position history).
const MAX_SNAPSHOTS = 32;

/**
 * Opens a recording for viewing, at its first tick.
 * @throws ReplayFormatError (with a clear message) when the bytes are not a readable replay.
 */
export function replay(bytes: Uint8Array, options: ReplayOptions = {}): Replay {
  const parsed = parseReplay(bytes);
  const player = createPlayer(parsed, options);
  const { header, steps } = parsed;
  const world = player.world;
  const firstTick = header.startTick;
  const lastTick = firstTick + steps.length;
  const hashes = new Map<number, number>();
  for (const s of steps) if (s.hash !== undefined) hashes.set(s.tick, s.hash);
  const checkpointTicks = parsed.checkpoints.map((c) => c.tick);
  const fileCheckpoints = new Set(checkpointTicks);
  // Snapshots of the replay's own world taken as it passes through, so seeking back and forth
  // (what a viewer's scrubbing does) steps from a few seconds away instead of up to ten.
  const snapshots = new Map<number, CheckpointState>();
  const advance = (): void => {
    player.advance();
    const t = world.time.tick;
    if ((t - firstTick) % SNAPSHOT_EVERY_TICKS !== 0 || fileCheckpoints.has(t) || snapshots.has(t)) return;
    if (snapshots.size >= MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value!);
    snapshots.set(t, player.snapshot());
  };
  return {
    header,
    firstTick,
    lastTick,
    checkpointTicks,
    truncated: parsed.truncated,
    ended: parsed.ended,
    world,
    get tick() {
      return world.time.tick;
    },
    seek(tick) {
      if (!(Number.isInteger(tick) && tick >= firstTick && tick <= lastTick)) {
        throw new Error(`Skirmish: replay tick must be an integer in [${firstTick}, ${lastTick}], got ${tick}`);
      }
      const i = checkpointBefore(parsed, tick);
      let from = parsed.checkpoints[i]!.tick;
      let snapshot: CheckpointState | undefined;
      for (const [t, state] of snapshots) {
        if (t <= tick && t > from) {
          from = t;
          snapshot = state;
        }
      }
      const now = world.time.tick;
      if (!(now <= tick && now >= from)) {
        if (snapshot !== undefined) {
          // Most recently used last, so the oldest is evicted first.
          snapshots.delete(from);
          snapshots.set(from, snapshot);
          player.restoreState(snapshot);
        } else player.restore(i);
      }
      while (world.time.tick < tick) advance();
    },
    stepOne() {
      if (world.time.tick >= lastTick) throw new Error(`Skirmish: replay is at its last tick (${lastTick})`);
      advance();
    },
    recordedHash: (tick) => hashes.get(tick),
    meta: parsed.meta,
  };
}
