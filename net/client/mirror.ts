// The client's copy of the world. It runs the same dead reckoning as the server's sync system
// (the engine's reckonMotion), so positions between messages are computed, not sent, and are
// bit-identical to the server's. A short per-tick history lets the renderer interpolate.
// One file over 250 lines because it is one world: applying a message writes the motion and the
// history ring that the samplers below read, so their layout lives in one place.
import {
  addComponent, addEntity, createWorld, getStore, hasComponent, reckonMotion, removeComponent, removeEntity, resetStore, stepMotion,
  Dead, Health, LastAttack, LocalPlayer, NetId, Offline, Player, Position, Score,
  type BattleRules, type EngineWorld,
} from '../../engine';
import type { StateMessage, StreamPosition } from '../wire';

/** Ticks of position history kept per entity (about 2 s at 30 Hz). */
export const HISTORY_TICKS = 64;

/** Simulated state per entity: exact positions and directions at `simTick`. */
export interface MirrorSim {
  x: Float32Array;
  y: Float32Array;
  /** The motion: a direction, or with `seek` 1 the target (mx, my) of a seek. */
  mx: Float32Array;
  my: Float32Array;
  seek: Uint8Array;
  alive: Uint8Array;
  /** Tick the entity entered the mirror (its history starts there). */
  since: Uint32Array;
  /** Positions per tick: index `eid * HISTORY_TICKS + tick % HISTORY_TICKS`. */
  hx: Float32Array;
  hy: Float32Array;
  /**
   * Look-ahead cache: where the entity is dead-reckoned to at tick `at`, valid while `gen` equals
   * `applied`. Frames ask for later and later ticks of a quiet server, so each steps on from the
   * last instead of from the last message.
   */
  ax: Float32Array;
  ay: Float32Array;
  at: Float64Array;
  gen: Uint32Array;
  /** State messages applied so far: any of them may change motions, so it invalidates the cache. */
  applied: number;
}

/** Context of a client-side world: the server's entities mirrored by NetId. */
export interface MirrorContext {
  /** NetId → local entity id. */
  readonly entities: Map<number, number>;
  readonly sim: MirrorSim;
  /** Rules of the server (speed, map) for dead reckoning; set from the welcome. */
  rules: BattleRules | undefined;
  /** NetId of the player this client controls (0 before welcome). */
  localId: number;
  /** Server tick length in ms (for clocks). */
  tickMs: number;
  /**
   * Server tick length in seconds, computed as the server computes it (1 / tickRate): the walking
   * step is speed × this, and an ms-based product can differ in the last bit.
   */
  tickSeconds: number;
  /** Tick of the latest state applied; positions in `sim` are as of this tick. */
  lastTick: number;
  /** Where the stream of state messages stands (for decoding deltas). */
  stream: StreamPosition;
}

/** A client world: same components as the server's, filled from its state messages. */
export type MirrorWorld = EngineWorld & MirrorContext;

const MIRRORED = [Player, Position, Health, Score, NetId, LastAttack] as const;

/** Creates an empty mirror world. */
export function createMirrorWorld(capacity = 4096): MirrorWorld {
  const sim: MirrorSim = {
    x: new Float32Array(capacity), y: new Float32Array(capacity),
    mx: new Float32Array(capacity), my: new Float32Array(capacity), seek: new Uint8Array(capacity),
    alive: new Uint8Array(capacity), since: new Uint32Array(capacity),
    hx: new Float32Array(capacity * HISTORY_TICKS), hy: new Float32Array(capacity * HISTORY_TICKS),
    ax: new Float32Array(capacity), ay: new Float32Array(capacity), at: new Float64Array(capacity), gen: new Uint32Array(capacity), applied: 1,
  };
  const context: MirrorContext = {
    entities: new Map(), sim, rules: undefined, localId: 0, tickMs: 1000 / 30, tickSeconds: 1 / 30, lastTick: 0, stream: { tick: 0, ack: 0 },
  };
  return createWorld<MirrorContext>({ capacity }, context);
}

/** The local entity of a NetId, if mirrored. */
export function entityOf(world: MirrorWorld, netId: number): number | undefined {
  return world.entities.get(netId);
}

/**
 * The newest exact position of the entity of `netId` (as of `tick`, the latest state applied),
 * or undefined when it is not mirrored. What bots and tests watch; the screen draws
 * `mirrorPositionAt` instead.
 */
export function latestPosition(world: MirrorWorld, netId: number): { tick: number; x: number; y: number } | undefined {
  const eid = world.entities.get(netId);
  return eid === undefined ? undefined : { tick: world.lastTick, x: world.sim.x[eid]!, y: world.sim.y[eid]! };
}

/** How far a walker goes in one tick of the mirrored server, bit for bit as the server has it (rules must be known). */
export function mirrorMaxStep(world: MirrorWorld): number {
  return world.rules!.speed * world.tickSeconds;
}

/** What applying a message changed, for event listeners. */
export interface AppliedChanges {
  /** NetIds that entered and left view. */
  entered: number[];
  left: number[];
  attacked: number[];
  respawned: number[];
}

const step = { x: 0, y: 0 };

function record(world: MirrorWorld, eid: number, tick: number): void {
  const i = eid * HISTORY_TICKS + (tick % HISTORY_TICKS);
  world.sim.hx[i] = world.sim.x[eid]!;
  world.sim.hy[i] = world.sim.y[eid]!;
}

function advance(world: MirrorWorld, tick: number): void {
  const { sim, rules } = world;
  if (rules === undefined) return;
  const maxStep = mirrorMaxStep(world);
  for (const eid of world.entities.values()) {
    reckonMotion(sim.x[eid]!, sim.y[eid]!, sim.mx[eid]!, sim.my[eid]!, sim.alive[eid] === 1 ? 1 : 0, maxStep, rules.map.width, rules.map.height, step, sim.seek[eid]);
    sim.x[eid] = step.x;
    sim.y[eid] = step.y;
    record(world, eid, tick);
  }
}

/** Takes the motion of a record that carries one: a direction, or a seek's target. */
function setMotion(sim: MirrorSim, eid: number, r: { mx?: number; my?: number; tx?: number; ty?: number }): void {
  const seek = r.tx !== undefined;
  sim.seek[eid] = seek ? 1 : 0;
  sim.mx[eid] = seek ? r.tx! : r.mx!;
  sim.my[eid] = seek ? r.ty! : r.my!;
}

/** Steps every entity `ticks` ticks without recording history: a silence longer than the history. */
function coast(world: MirrorWorld, ticks: number): void {
  const { sim, rules } = world;
  if (rules === undefined || ticks <= 0) return;
  const maxStep = mirrorMaxStep(world);
  for (const eid of world.entities.values()) {
    reckonMotion(sim.x[eid]!, sim.y[eid]!, sim.mx[eid]!, sim.my[eid]!, sim.alive[eid] === 1 ? ticks : 0, maxStep, rules.map.width, rules.map.height, step, sim.seek[eid]);
    sim.x[eid] = step.x;
    sim.y[eid] = step.y;
  }
}

function createMirrored(world: MirrorWorld, id: number, tick: number): number {
  const eid = addEntity(world);
  if (eid >= world.capacity) throw new Error(`Skirmish: mirror world is full (capacity ${world.capacity})`);
  for (const def of MIRRORED) {
    resetStore(world, eid, def);
    addComponent(world, eid, getStore(world, def));
  }
  getStore(world, NetId).id[eid] = id;
  world.entities.set(id, eid);
  world.sim.since[eid] = tick;
  if (id === world.localId) addComponent(world, eid, getStore(world, LocalPlayer));
  return eid;
}

/**
 * Applies a decoded state message: steps every entity through the ticks since the last message
 * (nothing changed in them, or the server would have said), then applies the message's tick:
 * new directions before the step, positions and states after it, in the server's system order.
 */
export function applyState(world: MirrorWorld, message: StateMessage): AppliedChanges {
  const changes: AppliedChanges = { entered: [], left: [], attacked: [], respawned: [] };
  const { sim } = world;
  const t = message.tick;
  if (message.full) {
    clearMirror(world);
  } else {
    // A quiet server sends nothing, so silences can be long: every tick is stepped (positions
    // stay exact), but only the last HISTORY_TICKS are recorded.
    const from = Math.max(world.lastTick + 1, t - HISTORY_TICKS);
    coast(world, from - (world.lastTick + 1));
    for (let tick = from; tick < t; tick++) advance(world, tick);
    for (const r of message.entities) {
      if (r.enter || (r.mx === undefined && r.tx === undefined)) continue;
      const eid = world.entities.get(r.id);
      if (eid === undefined) continue;
      setMotion(sim, eid, r);
    }
    advance(world, t);
  }
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  const offline = getStore(world, Offline);
  for (const r of message.entities) {
    let eid = world.entities.get(r.id);
    if (r.enter) {
      if (eid !== undefined) removeMirrored(world, r.id);
      eid = createMirrored(world, r.id, t);
      setMotion(sim, eid, r);
      health.max[eid] = r.max!;
      changes.entered.push(r.id);
    }
    if (eid === undefined) continue; // a record for something out of view: nothing to update
    if (r.x !== undefined) {
      sim.x[eid] = r.x;
      sim.y[eid] = r.y!;
      if (r.enter) {
        pos.x[eid] = r.x!;
        pos.y[eid] = r.y!;
      }
      record(world, eid, t);
    }
    if (r.hp !== undefined) health.hp[eid] = r.hp;
    if (r.kills !== undefined) {
      score.kills[eid] = r.kills;
      score.deaths[eid] = r.deaths!;
    }
    if (r.dead !== undefined) {
      const wasDead = hasComponent(world, eid, dead);
      if (r.dead && !wasDead) addComponent(world, eid, dead);
      else if (!r.dead && wasDead) {
        removeComponent(world, eid, dead);
        if (!r.enter) changes.respawned.push(r.id);
      }
      sim.alive[eid] = r.dead ? 0 : 1;
      if (r.offline) addComponent(world, eid, offline);
      else removeComponent(world, eid, offline);
    }
    if (r.attacked) changes.attacked.push(r.id);
  }
  for (const id of message.removed) {
    if (world.entities.has(id)) changes.left.push(id);
    removeMirrored(world, id);
  }
  world.lastTick = t;
  world.stream = { tick: t, ack: message.ack };
  sim.applied++;
  return changes;
}

/** Removes a mirrored entity by NetId (no-op when unknown). */
export function removeMirrored(world: MirrorWorld, netId: number): void {
  const eid = world.entities.get(netId);
  if (eid === undefined) return;
  world.entities.delete(netId);
  removeEntity(world, eid);
}

/** Removes every mirrored entity (e.g. after a disconnect, before a fresh full state). */
export function clearMirror(world: MirrorWorld): void {
  for (const id of [...world.entities.keys()]) removeMirrored(world, id);
}

/**
 * Position of mirrored entity `eid` at server tick `tick` — in TICKS, fractional ones interpolate
 * (unlike the engine's `positionAt`, which takes seconds and reads the server's lag-compensation
 * history). From the mirror's history when the tick has been received, dead-reckoned ahead when it
 * has not: the server only speaks when something changes (a quiet world, nothing at all), so
 * reckoning ahead is the normal case between messages and goes on as long as the silence does;
 * `maxAhead` ticks (none by default) can cap it.
 */
export function mirrorPositionAt(world: MirrorWorld, eid: number, tick: number, out: { x: number; y: number }, maxAhead = Infinity): void {
  const lo = Math.floor(tick);
  const f = tick - lo;
  sampleTick(world, eid, lo, out, maxAhead);
  if (f === 0) return;
  const x0 = out.x;
  const y0 = out.y;
  const { sim, rules } = world;
  if (lo >= world.lastTick && rules !== undefined && sim.alive[eid] === 1 && lo + 1 <= world.lastTick + maxAhead) {
    // Reckoned ahead: one step on from `lo`, leaving the look-ahead cache at `lo`, where the next
    // frame (asking for `lo` or later) continues from.
    stepMotion(x0, y0, sim.mx[eid]!, sim.my[eid]!, mirrorMaxStep(world), rules.map.width, rules.map.height, out, sim.seek[eid]);
  } else sampleTick(world, eid, lo + 1, out, maxAhead);
  out.x = x0 + (out.x - x0) * f;
  out.y = y0 + (out.y - y0) * f;
}

function sampleTick(world: MirrorWorld, eid: number, tick: number, out: { x: number; y: number }, maxAhead: number): void {
  const { sim, rules } = world;
  const last = world.lastTick;
  if (tick <= last) {
    const oldest = Math.max(sim.since[eid]!, last - HISTORY_TICKS + 1);
    const i = eid * HISTORY_TICKS + (Math.max(tick, oldest) % HISTORY_TICKS);
    out.x = sim.hx[i]!;
    out.y = sim.hy[i]!;
    return;
  }
  if (rules === undefined) {
    out.x = sim.x[eid]!;
    out.y = sim.y[eid]!;
    return;
  }
  const target = Math.min(tick, last + maxAhead);
  if (sim.alive[eid] !== 1 || target <= last) {
    out.x = sim.x[eid]!;
    out.y = sim.y[eid]!;
    return;
  }
  // Step on from the cached look-ahead when it is still valid and not past the tick asked for.
  const cached = sim.gen[eid] === sim.applied && sim.at[eid]! <= target;
  const from = cached ? sim.at[eid]! : last;
  reckonMotion(cached ? sim.ax[eid]! : sim.x[eid]!, cached ? sim.ay[eid]! : sim.y[eid]!, sim.mx[eid]!, sim.my[eid]!, target - from,
    mirrorMaxStep(world), rules.map.width, rules.map.height, out, sim.seek[eid]);
  sim.ax[eid] = out.x;
  sim.ay[eid] = out.y;
  sim.at[eid] = target;
  sim.gen[eid] = sim.applied;
}
