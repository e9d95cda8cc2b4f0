import { entityExists, hasComponent } from 'bitecs';
import { getStore } from './component';
import { Dead, NetId, Position } from './components';
import type { EngineWorld } from './world';

/**
 * A ring buffer of the last `size` ticks of every player's position and alive flag, for lag
 * compensation. Entry (tick, eid) lives at `(tick % size) * capacity + eid`; its `stamp` says
 * which tick it holds, so a slot left over from an older lap, or from an entity that was not
 * recorded that tick, is never mistaken for a sample.
 */
export interface PositionHistory {
  /** Seconds per tick of the world it records. */
  readonly dt: number;
  /** Ticks kept: ceil(seconds / dt) + 1. */
  readonly size: number;
  /** Entity ids recorded must be below this. */
  readonly capacity: number;
  /** x of every entry. */
  readonly xs: Float32Array;
  /** y of every entry. */
  readonly ys: Float32Array;
  /** 1 where the entity was alive at the entry's tick. */
  readonly alive: Uint8Array;
  /** The tick each entry holds, -1 for none. */
  readonly stamp: Int32Array;
  /** Per entity id: the NetId last recorded under it, so records of a recycled id are not mixed up. */
  readonly owner: Uint32Array;
  /** Per entity id: the first tick recorded for its current owner. */
  readonly since: Int32Array;
  /** Newest tick recorded, -1 before the first. */
  newest: number;
}

// Times within this fraction of a tick of a recorded tick read that tick exactly.
const TICK_EPSILON = 1e-6;

/**
 * Creates an empty history of `seconds` of ticks of `dt` for entity ids below `capacity`.
 * @throws if a value is not a positive finite number (capacity an integer).
 */
export function createPositionHistory(capacity: number, dt: number, seconds: number): PositionHistory {
  if (!(Number.isInteger(capacity) && capacity > 0)) throw new Error(`Skirmish: history capacity must be a positive integer, got ${capacity}`);
  if (!(dt > 0 && Number.isFinite(dt))) throw new Error(`Skirmish: history dt must be a positive number, got ${dt}`);
  if (!(seconds > 0 && Number.isFinite(seconds))) throw new Error(`Skirmish: history length must be a positive number of seconds, got ${seconds}`);
  const size = Math.ceil(seconds / dt - TICK_EPSILON) + 1;
  const entries = size * capacity;
  return {
    dt,
    size,
    capacity,
    xs: new Float32Array(entries),
    ys: new Float32Array(entries),
    alive: new Uint8Array(entries),
    stamp: new Int32Array(entries).fill(-1),
    owner: new Uint32Array(capacity),
    since: new Int32Array(capacity),
    newest: -1,
  };
}

/** Records where `eid` (whose NetId is `owner`) was at `tick`, and whether it was alive. */
export function recordPosition(history: PositionHistory, tick: number, eid: number, x: number, y: number, alive: boolean, owner: number): void {
  if (history.owner[eid] !== owner) {
    // A recycled entity id: what was recorded under it belongs to someone else.
    history.owner[eid] = owner;
    history.since[eid] = tick;
  }
  const at = (tick % history.size) * history.capacity + eid;
  history.xs[at] = x;
  history.ys[at] = y;
  history.alive[at] = alive ? 1 : 0;
  history.stamp[at] = tick;
}

// A recorded sample of a living entity at `tick`, else false.
function recorded(history: PositionHistory, eid: number, tick: number, out: { x: number; y: number }): boolean {
  if (tick < 0 || tick < history.since[eid]!) return false;
  const at = (tick % history.size) * history.capacity + eid;
  if (history.stamp[at] !== tick || history.alive[at] !== 1) return false;
  out.x = history.xs[at]!;
  out.y = history.ys[at]!;
  return true;
}

// The sample of `eid` at `tick`: recorded, or for the tick being run (not recorded yet), the live
// position of a living entity. `mine` is false when the records belong to an earlier owner of the id.
function sample(world: EngineWorld, history: PositionHistory, eid: number, tick: number, mine: boolean, out: { x: number; y: number }): boolean {
  if (tick === world.time.tick && tick > history.newest) {
    if (!entityExists(world, eid) || hasComponent(world, eid, getStore(world, Dead))) return false;
    const pos = getStore(world, Position);
    if (!hasComponent(world, eid, pos)) return false;
    out.x = pos.x[eid]!;
    out.y = pos.y[eid]!;
    return true;
  }
  return mine && recorded(history, eid, tick, out);
}

const scratch = { x: 0, y: 0 };

/**
 * Where `eid` was at simulation time `time` (seconds): the recorded position at a tick, or the
 * linear interpolation between the two recorded ticks around `time`. During a tick, the tick being
 * run counts as recorded with the live positions. Writes `out` and returns true; returns false
 * (leaving `out` alone) when the world keeps no history, or either tick is outside the history,
 * not recorded for this player, or the player was dead then.
 */
export function positionAt(world: EngineWorld & { readonly history: PositionHistory | null }, eid: number, time: number, out: { x: number; y: number }): boolean {
  const history = world.history;
  if (history === null || !(eid >= 0 && eid < history.capacity)) return false;
  const mine = !entityExists(world, eid) || getStore(world, NetId).id[eid] === history.owner[eid];
  const ticks = time / history.dt;
  const nearest = Math.round(ticks);
  if (Math.abs(ticks - nearest) <= TICK_EPSILON) return sample(world, history, eid, nearest, mine, out);
  const t0 = Math.floor(ticks);
  if (!sample(world, history, eid, t0 + 1, mine, scratch)) return false;
  const x1 = scratch.x;
  const y1 = scratch.y;
  if (!sample(world, history, eid, t0, mine, scratch)) return false;
  const a = ticks - t0;
  out.x = scratch.x + (x1 - scratch.x) * a;
  out.y = scratch.y + (y1 - scratch.y) * a;
  return true;
}
