import {
  addComponent, addEntity, createWorld, getStore, hasComponent, removeComponent, removeEntity, resetStore,
  Dead, Health, LastAttack, LocalPlayer, NetId, Offline, Player, Position, Score,
  type EngineWorld,
} from '../engine';
import { Field, type StateMessage } from './codec';
import { InterpolationBuffer } from './interpolation';

/** Context of a client-side world: the server's entities mirrored by NetId. */
export interface MirrorContext {
  /** NetId → local entity id. */
  readonly entities: Map<number, number>;
  /** Server positions over time, sampled by `interpolate`. */
  readonly buffer: InterpolationBuffer;
  /** NetId of the player this client controls (0 before welcome). */
  localId: number;
  /** Server tick length in ms. */
  tickMs: number;
  /** Last server tick applied. */
  lastTick: number;
}

/** A client world: same components as the server's, filled from its state messages. */
export type MirrorWorld = EngineWorld & MirrorContext;

const MIRRORED = [Player, Position, Health, Score, NetId, LastAttack] as const;

/** Creates an empty mirror world. */
export function createMirrorWorld(capacity = 4096): MirrorWorld {
  return createWorld<MirrorContext>(
    { capacity },
    { entities: new Map(), buffer: new InterpolationBuffer(), localId: 0, tickMs: 1000 / 30, lastTick: 0 },
  );
}

/** The local entity of a NetId, if mirrored. */
export function entityOf(world: MirrorWorld, netId: number): number | undefined {
  return world.entities.get(netId);
}

/**
 * Applies a decoded state message: creates, updates and removes entities. A full message replaces
 * the whole mirror (entities it does not list are gone).
 */
export function applyState(world: MirrorWorld, message: StateMessage): void {
  const t = message.tick * world.tickMs;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  const seen = message.full ? new Set<number>() : undefined;
  for (const r of message.entities) {
    seen?.add(r.id);
    let eid = world.entities.get(r.id);
    const isNew = eid === undefined;
    if (eid === undefined) {
      eid = addEntity(world);
      if (eid >= world.capacity) throw new Error(`Skirmish: mirror world is full (capacity ${world.capacity})`);
      for (const def of MIRRORED) {
        resetStore(world, eid, def);
        addComponent(world, eid, getStore(world, def));
      }
      getStore(world, NetId).id[eid] = r.id;
      world.entities.set(r.id, eid);
      if (r.id === world.localId) addComponent(world, eid, getStore(world, LocalPlayer));
    }
    const wasDead = hasComponent(world, eid, dead);
    if (r.mask & Field.alive) {
      if (r.dead && !wasDead) addComponent(world, eid, dead);
      else if (!r.dead && wasDead) removeComponent(world, eid, dead);
    }
    if (r.mask & Field.position) {
      // A spawn or a respawn is a jump, not a walk: do not blend across it.
      const jumped = isNew || (wasDead && r.dead === false);
      if (jumped) {
        world.buffer.reset(r.id, t, r.x!, r.y!);
        pos.x[eid] = r.x!;
        pos.y[eid] = r.y!;
      } else {
        world.buffer.push(r.id, t, r.x!, r.y!, world.tickMs);
      }
    }
    if (r.mask & Field.presence) {
      const offline = getStore(world, Offline);
      if (r.offline) addComponent(world, eid, offline);
      else removeComponent(world, eid, offline);
    }
    if (r.mask & Field.health) health.hp[eid] = r.hp!;
    if (r.mask & Field.spawn) health.max[eid] = r.max!;
    if (r.mask & Field.score) {
      score.kills[eid] = r.kills!;
      score.deaths[eid] = r.deaths!;
    }
  }
  if (seen !== undefined) {
    for (const id of [...world.entities.keys()]) if (!seen.has(id)) removeMirrored(world, id);
  }
  for (const id of message.removed) removeMirrored(world, id);
  world.lastTick = message.tick;
}

/** Removes a mirrored entity by NetId (no-op when unknown). */
export function removeMirrored(world: MirrorWorld, netId: number): void {
  const eid = world.entities.get(netId);
  if (eid === undefined) return;
  world.entities.delete(netId);
  world.buffer.delete(netId);
  removeEntity(world, eid);
}

/** Removes every mirrored entity (e.g. after a disconnect, before a fresh full state). */
export function clearMirror(world: MirrorWorld): void {
  for (const id of [...world.entities.keys()]) removeMirrored(world, id);
}

const scratch = { x: 0, y: 0 };

/**
 * Writes interpolated positions into `Position`: remote entities at `renderTime`, the local player
 * at `localTime` (it needs less delay: no one else's jitter to hide).
 */
export function interpolate(world: MirrorWorld, renderTime: number, localTime: number = renderTime): void {
  const pos = getStore(world, Position);
  for (const [id, eid] of world.entities) {
    if (world.buffer.sample(id, id === world.localId ? localTime : renderTime, scratch)) {
      pos.x[eid] = scratch.x;
      pos.y[eid] = scratch.y;
    }
  }
}
