import { hasComponent, query } from 'bitecs';
import { defineComponent, getStore } from '../component';
import { Dead, Health, Input, NetId, Offline, Player, Position, Score } from '../components';
import { quantizeAxis, reckonMotion } from '../motion';
import type { BattleWorld } from '../battle';

/**
 * Bits of `SyncState.changes`: what about a player changed, in the game's terms (how a protocol
 * carries it is the network layer's business). `position` is a correction: the player is not
 * where dead reckoning (its last published position stepped with its published direction by
 * `reckonMotion`) puts it; walking on in the same direction is no change.
 */
export const Changed = {
  position: 1,
  health: 2,
  alive: 4,
  score: 8,
  /** The motion changed: a new walking direction, or a new seek (target), or between the two. */
  direction: 16,
  presence: 32,
} as const;

/** Every bit of `Changed`. */
export const ALL_CHANGED = 63;

/** What the network-sync system found in the last tick. Read it after `step`. */
export interface SyncState {
  /** Player entities any replicated field of which changed in the last tick. */
  changed: number[];
  /** Per entity id: the `Changed` bits of the last tick (valid for ids in `changed`). */
  changes: Uint8Array;
  /** Entities spawned since the previous sync. */
  spawned: number[];
  /** NetIds of players removed since the previous sync. */
  removed: number[];
  /** NetId → entity id of every player in the world. */
  byNetId: Map<number, number>;
  pendingSpawned: number[];
  pendingRemoved: number[];
}

// The values last published per entity: what "changed" is measured against. x, y is the dead
// reckoning model every client also runs: published position stepped with published direction,
// which is the direction as clients receive it (quantized), so a direction the wire cannot carry
// exactly shows up as position corrections instead of a silent drift.
/** What sync last published per entity (internal to sync; replays checkpoint it like any store). */
export const Published = defineComponent('Published', {
  x: Float32Array,
  y: Float32Array,
  mx: Float32Array,
  my: Float32Array,
  /** 1 when the published motion is a seek: (mx, my) is then its target. */
  seek: Uint8Array,
  hp: Float32Array,
  dead: Uint8Array,
  offline: Uint8Array,
  kills: Uint32Array,
  deaths: Uint32Array,
});

/** Creates the empty sync state of a world. */
export function createSyncState(capacity: number): SyncState {
  return {
    changed: [],
    changes: new Uint8Array(capacity),
    spawned: [],
    removed: [],
    byNetId: new Map(),
    pendingSpawned: [],
    pendingRemoved: [],
  };
}

/** Records a spawn for the next sync (called by `spawnPlayer`). */
export function markSpawned(world: BattleWorld, eid: number): void {
  world.sync.pendingSpawned.push(eid);
  world.sync.byNetId.set(getStore(world, NetId).id[eid]!, eid);
}

/** Records a removal for the next sync (called by `despawnPlayer`). */
export function markRemoved(world: BattleWorld, eid: number, netId: number): void {
  const sync = world.sync;
  sync.byNetId.delete(netId);
  const spawnedAt = sync.pendingSpawned.indexOf(eid);
  // Joined and left between two ticks: nobody has seen it, so nobody needs to forget it.
  if (spawnedAt >= 0) sync.pendingSpawned.splice(spawnedAt, 1);
  else sync.pendingRemoved.push(netId);
}

const reckoned = { x: 0, y: 0 };

/**
 * Network sync, server side: compares each player's replicated fields with what was last
 * published and lists what changed, so the network layer sends only that. Movement is published
 * as motion changes (direction or seek target); a position goes out only when dead reckoning
 * would be wrong (spawn, respawn, anything a game system does). Runs last in a tick.
 */
export function syncSystem(world: BattleWorld): void {
  const sync = world.sync;
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  const score = getStore(world, Score);
  const dead = getStore(world, Dead);
  const pub = getStore(world, Published);
  const offline = getStore(world, Offline);
  sync.changed.length = 0;
  sync.spawned = sync.pendingSpawned;
  sync.pendingSpawned = [];
  sync.removed = sync.pendingRemoved;
  sync.pendingRemoved = [];
  const input = getStore(world, Input);
  const { speed, map } = world.rules;
  const maxStep = speed * world.time.dt;
  for (const eid of sync.spawned) {
    pub.dead[eid] = 255; // forces a full first publish
    pub.offline[eid] = 0;
  }
  for (const eid of query(world, [getStore(world, Player), pos, health, score])) {
    const isDead = hasComponent(world, eid, dead) ? 1 : 0;
    const isOffline = hasComponent(world, eid, offline) ? 1 : 0;
    const steered = hasComponent(world, eid, input);
    // The motion as clients receive it: a quantized direction, or a seek's exact Float32 target.
    const seek = steered ? input.seek[eid]! : 0;
    const mx = !steered ? 0 : seek ? input.tx[eid]! : quantizeAxis(input.mx[eid]!);
    const my = !steered ? 0 : seek ? input.ty[eid]! : quantizeAxis(input.my[eid]!);
    let changes = 0;
    if (pub.dead[eid] === 255) {
      changes = ALL_CHANGED;
    } else {
      if (mx !== pub.mx[eid] || my !== pub.my[eid] || seek !== pub.seek[eid]) changes |= Changed.direction;
      // What clients compute for this tick: the new motion, one step, if it was alive.
      reckonMotion(pub.x[eid]!, pub.y[eid]!, mx, my, pub.dead[eid] === 0 ? 1 : 0, maxStep, map.width, map.height, reckoned, seek);
      if (pos.x[eid] !== reckoned.x || pos.y[eid] !== reckoned.y) changes |= Changed.position;
      if (health.hp[eid] !== pub.hp[eid]) changes |= Changed.health;
      if (isDead !== pub.dead[eid]) changes |= Changed.alive;
      if (score.kills[eid] !== pub.kills[eid] || score.deaths[eid] !== pub.deaths[eid]) changes |= Changed.score;
      if (isOffline !== pub.offline[eid]) changes |= Changed.presence;
    }
    pub.x[eid] = pos.x[eid]!;
    pub.y[eid] = pos.y[eid]!;
    sync.changes[eid] = changes;
    if (changes === 0) continue;
    sync.changed.push(eid);
    pub.mx[eid] = mx;
    pub.my[eid] = my;
    pub.seek[eid] = seek;
    pub.hp[eid] = health.hp[eid]!;
    pub.dead[eid] = isDead;
    pub.offline[eid] = isOffline;
    pub.kills[eid] = score.kills[eid]!;
    pub.deaths[eid] = score.deaths[eid]!;
  }
}
