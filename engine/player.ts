import { addComponent, addEntity, entityExists, hasComponent, removeComponent, removeEntity } from 'bitecs';
import { getStore, resetStore } from './component';
import { Cooldown, Dead, Health, Input, NetId, Offline, Player, Position, Score } from './components';
import { journalOf } from './journal';
import type { BattleWorld } from './battle';
import { emit } from './world';
import type { DespawnEvent, SpawnEvent } from './events';
import { markRemoved, markSpawned } from './systems/sync';

/** Options of `spawnPlayer`. */
export interface SpawnOptions {
  /** Where to spawn; default is uniformly random inside the map (from the world's RNG). */
  at?: { x: number; y: number };
}

/**
 * Adds a player with full health at a random spot (or `at`) and returns its entity id.
 * @throws when the world is full (entity id beyond its capacity).
 */
export function spawnPlayer(world: BattleWorld, options: SpawnOptions = {}): number {
  const eid = addEntity(world);
  if (eid >= world.capacity) {
    removeEntity(world, eid);
    throw new Error(`Skirmish: world is full (capacity ${world.capacity}), cannot spawn entity ${eid}`);
  }
  const { rules } = world;
  for (const def of [Position, Health, Input, Cooldown, Score, NetId, Player]) {
    resetStore(world, eid, def);
    addComponent(world, eid, getStore(world, def));
  }
  const pos = getStore(world, Position);
  pos.x[eid] = options.at?.x ?? world.rng.range(0, rules.map.width);
  pos.y[eid] = options.at?.y ?? world.rng.range(0, rules.map.height);
  const health = getStore(world, Health);
  health.hp[eid] = rules.health;
  health.max[eid] = rules.health;
  getStore(world, NetId).id[eid] = world.nextNetId++;
  world.inputs.set(eid, []);
  journalOf(world)?.spawned(eid, pos.x[eid]!, pos.y[eid]!, options.at === undefined);
  markSpawned(world, eid);
  emit<SpawnEvent>(world, { type: 'spawn', eid });
  return eid;
}

/**
 * Removes a player and everything queued for it.
 * @throws if `eid` is not a player of this world.
 */
export function despawnPlayer(world: BattleWorld, eid: number): void {
  assertPlayer(world, eid);
  journalOf(world)?.despawned(eid);
  const netId = getStore(world, NetId).id[eid]!;
  world.inputs.delete(eid);
  markRemoved(world, eid, netId);
  removeEntity(world, eid);
  emit<DespawnEvent>(world, { type: 'despawn', eid, netId });
}

/** True while the player is alive (has no Dead component). */
export function isAlive(world: BattleWorld, eid: number): boolean {
  return !hasComponent(world, eid, getStore(world, Dead));
}

/**
 * Marks a player as disconnected (`Offline`) or connected again. The one way to change it from
 * outside a step, so a replay records it.
 * @throws if `eid` is not a player of this world.
 */
export function setOffline(world: BattleWorld, eid: number, offline: boolean): void {
  assertPlayer(world, eid);
  const tag = getStore(world, Offline);
  if (hasComponent(world, eid, tag) === offline) return;
  journalOf(world)?.offline(eid, offline);
  if (offline) addComponent(world, eid, tag);
  else removeComponent(world, eid, tag);
}

function assertPlayer(world: BattleWorld, eid: number): void {
  if (!entityExists(world, eid) || !hasComponent(world, eid, getStore(world, Player))) {
    throw new Error(`Skirmish: entity ${eid} is not a player of this world`);
  }
}
