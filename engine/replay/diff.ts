// Naming the first difference between a replayed world and a recorded checkpoint: which entity,
// component and field, so a determinism bug points at its cause rather than at a hash.
import type { FieldType } from '../component';
import { NetId } from '../components';
import type { BattleWorld } from '../battle';
import type { CheckpointState } from './checkpoint';
import { entityIndexOf, idRange, internalsOf } from './world-state';

/** The first difference found: `expected` is the recording's, `actual` the replay's. */
export interface StateMismatch {
  /** Entity id, or -1 for world-wide state (RNG, NetId counter, entity index). */
  entity: number;
  /** The entity's NetId in the recording, when it has one. */
  netId?: number;
  /** Component name, or 'world', 'entityIndex', 'history'. */
  component: string;
  /** Field name, or 'present' for membership of the component. */
  field: string;
  expected: number;
  actual: number;
}

function typed(bytes: Uint8Array, type: FieldType): ArrayLike<number> {
  // Copied: checkpoint bytes are views at arbitrary offsets, and typed arrays need aligned ones.
  const copy = bytes.slice();
  return new type(copy.buffer, 0, copy.length / type.BYTES_PER_ELEMENT);
}

const same = (a: number, b: number): boolean => Object.is(a, b) || (a === b);

/** The first way `world` differs from `state`, or null when it matches in everything a checkpoint holds. */
export function diffCheckpoint(world: BattleWorld, state: CheckpointState): StateMismatch | null {
  const world1 = (component: string, field: string, expected: number, actual: number): StateMismatch => ({ entity: -1, component, field, expected, actual });
  if (world.time.tick !== state.tick) return world1('world', 'tick', state.tick, world.time.tick);
  const index = entityIndexOf(world);
  if (index.aliveCount !== state.aliveCount) return world1('entityIndex', 'aliveCount', state.aliveCount, index.aliveCount);
  if (index.maxId !== state.maxId) return world1('entityIndex', 'maxId', state.maxId, index.maxId);
  const ids = idRange(world, index);
  const recordedNetIds = state.components.find((c) => c.name === NetId.name);
  const netIdOf = (eid: number): number | undefined => {
    if (recordedNetIds === undefined) return undefined;
    const at = recordedNetIds.keys.indexOf('id');
    return at < 0 ? undefined : typed(recordedNetIds.data[at]!, Uint32Array)[eid];
  };
  const ctx = internalsOf(world);
  const stores = new Map<string, { store: Record<string, ArrayLike<number>>; def: unknown }>();
  for (const [def, store] of world.stores) stores.set(def.name, { store: store as Record<string, ArrayLike<number>>, def });
  const decoded = state.components.map((c) => ({ ...c, arrays: c.keys.map((k, f) => typed(c.data[f]!, c.schema[k]!)) }));
  for (let eid = 0; eid < ids; eid++) {
    for (const c of decoded) {
      const live = stores.get(c.name);
      const expectedPresent = (c.members[eid >> 3]! >> (eid & 7)) & 1;
      let actualPresent = 0;
      if (live !== undefined) {
        const data = ctx.componentMap.get(live.store) as { generationId: number; bitflag: number } | undefined;
        if (data !== undefined && ((ctx.entityMasks[data.generationId]![eid] ?? 0) & data.bitflag) !== 0) actualPresent = 1;
      }
      if (expectedPresent !== actualPresent) return { entity: eid, netId: netIdOf(eid), component: c.name, field: 'present', expected: expectedPresent, actual: actualPresent };
      for (let f = 0; f < c.keys.length; f++) {
        const expected = c.arrays[f]![eid]!;
        const actual = live === undefined ? 0 : live.store[c.keys[f]!]![eid]!;
        if (!same(expected, actual)) return { entity: eid, netId: netIdOf(eid), component: c.name, field: c.keys[f]!, expected, actual };
      }
    }
  }
  for (let i = 0; i < state.dense.length; i++) {
    if (index.dense[i] !== state.dense[i]) return world1('entityIndex', `dense[${i}]`, state.dense[i]!, index.dense[i] ?? -1);
  }
  if (world.rng.state() !== state.rngState) return world1('world', 'rngState', state.rngState, world.rng.state());
  if (world.nextNetId !== state.nextNetId) return world1('world', 'nextNetId', state.nextNetId, world.nextNetId);
  const history = world.history;
  if (history !== null && state.history !== null) {
    if (history.newest !== state.history.newest) return world1('history', 'newest', state.history.newest, history.newest);
    for (const e of state.history.entries) {
      const at = (e.tick % history.size) * history.capacity + e.eid;
      const fields: [string, number, number][] = [['stamp', e.tick, history.stamp[at]!], ['x', e.x, history.xs[at]!], ['y', e.y, history.ys[at]!], ['alive', e.alive, history.alive[at]!]];
      for (const [field, expected, actual] of fields) {
        if (!same(expected, actual)) return { entity: e.eid, netId: netIdOf(e.eid), component: 'history', field: `${field}@${e.tick}`, expected, actual };
      }
    }
  }
  return null;
}
