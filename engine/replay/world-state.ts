// What replays read of a world beyond its component stores: bitECS's entity index and component
// membership (bitECS 0.4 internals, reached through `$internal`), and the stores in a canonical order.
import { $internal } from 'bitecs';
import type { AnyComponentDef, FieldType } from '../component';
import { getStore } from '../component';
import { Cooldown, Dead, Health, Input, LastAttack, LocalPlayer, NetId, Offline, Player, Position, Score } from '../components';
import { Published } from '../systems/sync';
import type { EngineWorld } from '../world';

/** bitECS's entity index: `dense[0 .. aliveCount)` are the living ids, the rest are recycled next, in order. */
export interface EntityIndex {
  dense: number[];
  sparse: number[];
  aliveCount: number;
  maxId: number;
}

interface ComponentData {
  generationId: number;
  bitflag: number;
}

interface Internals {
  entityIndex: EntityIndex;
  entityMasks: number[][];
  componentMap: Map<unknown, ComponentData>;
  entityComponents: Map<number, Set<unknown>>;
}

/** bitECS's internal state of `world`. */
export function internalsOf(world: EngineWorld): Internals {
  return (world as unknown as Record<symbol, Internals>)[$internal]!;
}

/** bitECS's entity index of `world`. */
export function entityIndexOf(world: EngineWorld): EntityIndex {
  return internalsOf(world).entityIndex;
}

/** How many entity ids (0 … n−1) replays store: every id issued so far that a store can hold. */
export function idRange(world: EngineWorld, index: EntityIndex = entityIndexOf(world)): number {
  return Math.min(index.maxId + 1, world.capacity);
}

/** One field of a store. */
export interface StoreField {
  key: string;
  array: InstanceType<FieldType>;
}

/** A component store with its fields in key order. */
export interface SortedStore {
  def: AnyComponentDef;
  store: unknown;
  fields: StoreField[];
}

const sortedCache = new WeakMap<object, { size: number; stores: SortedStore[] }>();

/** Every store of `world` in component-name order (registration order must not matter), fields in key order. */
export function sortedStores(world: EngineWorld): SortedStore[] {
  const cached = sortedCache.get(world);
  if (cached !== undefined && cached.size === world.stores.size) return cached.stores;
  const stores: SortedStore[] = [];
  for (const [def, store] of world.stores) {
    const keys = Object.keys(def.schema).sort();
    stores.push({ def, store, fields: keys.map((key) => ({ key, array: (store as Record<string, InstanceType<FieldType>>)[key]! })) });
  }
  stores.sort((a, b) => (a.def.name < b.def.name ? -1 : a.def.name > b.def.name ? 1 : 0));
  sortedCache.set(world, { size: world.stores.size, stores });
  return stores;
}

/** The components a battle world's own systems use; a recorded world allocates them all up front so every world hashes the same set. */
export const BATTLE_COMPONENTS: readonly AnyComponentDef[] = [Position, Health, Input, Cooldown, Dead, Score, NetId, Player, Offline, Published];

const BUILT_IN: readonly AnyComponentDef[] = [...BATTLE_COMPONENTS, LocalPlayer, LastAttack];

/** Allocates the stores of the battle components in `world`. */
export function allocateBattleStores(world: EngineWorld): void {
  for (const def of BATTLE_COMPONENTS) getStore(world, def);
}

/**
 * The definition a checkpoint's component `name` refers to: one the world already has a store
 * for, else a built-in one, else a new one with the recorded schema (a custom component whose
 * systems will then find it by name only if they use the same definition).
 */
export function resolveDef(world: EngineWorld, name: string, schema: Record<string, FieldType>, extra: readonly AnyComponentDef[]): AnyComponentDef | undefined {
  for (const def of world.stores.keys()) if (def.name === name) return def;
  for (const def of extra) if (def.name === name) return def;
  for (const def of BUILT_IN) if (def.name === name) return def;
  return undefined;
}
