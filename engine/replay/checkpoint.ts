// Checkpoints: the full state of a battle world at the end of a tick, written so that a world
// restored from one steps on bit for bit like the original.
// One file over 250 lines because it is one format: writing, reading and restoring a checkpoint
// must agree on its layout, so they sit side by side.
import { addComponent, removeEntity, commitRemovals } from 'bitecs';
import type { AnyComponentDef, FieldType } from '../component';
import { defineComponent, getStore } from '../component';
import { NetId, Player } from '../components';
import type { BattleWorld } from '../battle';
import { ByteReader, ByteWriter } from './bytes';
import { ReplayFormatError } from './errors';
import { FIELD_TYPES } from './format';
import { membershipBitsets } from './hash';
import { entityIndexOf, idRange, internalsOf, resolveDef, sortedStores } from './world-state';

/** Appends the state of `world` (as of the end of its current tick) to `out`. */
export function writeCheckpoint(world: BattleWorld, out: ByteWriter): void {
  const index = entityIndexOf(world);
  const ids = idRange(world, index);
  out.varint(world.time.tick);
  out.u32(world.rng.state());
  out.varint(world.nextNetId);
  out.varint(index.maxId);
  out.varint(index.aliveCount);
  out.varint(index.dense.length);
  for (let i = 0; i < index.dense.length; i++) out.varint(index.dense[i]!);
  out.varint(ids);
  const stores = sortedStores(world);
  const members = membershipBitsets(world);
  out.varint(stores.length);
  const bitBytes = (ids + 7) >> 3;
  // The stores' bytes and the history's rows, so the writer grows at most once.
  out.reserve(stores.reduce((n, s) => n + bitBytes + s.fields.reduce((m, f) => m + ids * f.array.BYTES_PER_ELEMENT + 32, 32), 0)
    + (world.history === null ? 0 : (world.history.size + 2) * ids * 13));
  for (let s = 0; s < stores.length; s++) {
    const { def, fields } = stores[s]!;
    out.string(def.name);
    out.varint(fields.length);
    for (const f of fields) {
      out.string(f.key);
      out.u8(FIELD_TYPES.indexOf(def.schema[f.key] as FieldType));
    }
    out.raw(members[s]!.subarray(0, bitBytes));
    for (const f of fields) out.raw(new Uint8Array(f.array.buffer, f.array.byteOffset, ids * f.array.BYTES_PER_ELEMENT));
  }
  writeHistory(world, ids, out);
  // Joins and leaves no sync has reported yet (recording can start between a join and the next step).
  const sync = world.sync;
  out.varint(sync.pendingSpawned.length);
  for (const eid of sync.pendingSpawned) out.varint(eid);
  out.varint(sync.pendingRemoved.length);
  for (const netId of sync.pendingRemoved) out.varint(netId);
}

// Only the ticks a lookup can reach: lag compensation never rewinds past the history's length.
// Each tick's row is written whole for ids 0 … ids − 1 (four memory copies rather than a loop
// over entries); an entry belongs to the tick only where its stamp says so.
function writeHistory(world: BattleWorld, ids: number, out: ByteWriter): void {
  const history = world.history;
  if (history === null) {
    out.u8(0);
    return;
  }
  out.u8(1);
  out.varint(history.size);
  out.zigzag(history.newest);
  out.raw(new Uint8Array(history.owner.buffer, 0, ids * 4));
  out.raw(new Uint8Array(history.since.buffer, 0, ids * 4));
  const first = Math.max(0, history.newest - history.size + 1);
  const ticks = history.newest < 0 ? 0 : history.newest - first + 1;
  out.varint(ticks);
  for (let t = first; t < first + ticks; t++) {
    const row = (t % history.size) * history.capacity;
    out.raw(new Uint8Array(history.stamp.buffer, row * 4, ids * 4));
    out.raw(new Uint8Array(history.xs.buffer, row * 4, ids * 4));
    out.raw(new Uint8Array(history.ys.buffer, row * 4, ids * 4));
    out.raw(new Uint8Array(history.alive.buffer, row, ids));
  }
}

/** A checkpoint read back: enough to restore a world or compare one against it. */
export interface CheckpointState {
  tick: number;
  rngState: number;
  nextNetId: number;
  maxId: number;
  aliveCount: number;
  dense: number[];
  ids: number;
  components: { name: string; schema: Record<string, FieldType>; keys: string[]; members: Uint8Array; data: Uint8Array[] }[];
  history: null | {
    size: number;
    newest: number;
    owner: Uint8Array;
    since: Uint8Array;
    entries: { tick: number; eid: number; x: number; y: number; alive: number }[];
  };
  /** Entities joined since the last sync. */
  pendingSpawned: number[];
  /** NetIds of players removed since the last sync. */
  pendingRemoved: number[];
}

/**
 * Reads a checkpoint written by `writeCheckpoint` for a world of `capacity` entity ids.
 * @throws ReplayFormatError when it is malformed.
 */
export function readCheckpoint(bytes: Uint8Array, capacity: number): CheckpointState {
  const r = new ByteReader(bytes);
  const tick = r.varint();
  const rngState = r.u32();
  const nextNetId = r.varint();
  const maxId = r.varint();
  const aliveCount = r.varint();
  const denseLength = r.varint();
  if (aliveCount > denseLength || denseLength > maxId + 1 || maxId > capacity) {
    throw new ReplayFormatError(`checkpoint of tick ${tick} has an impossible entity index (alive ${aliveCount}, ids ${denseLength}, max ${maxId}, capacity ${capacity})`);
  }
  const dense: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < denseLength; i++) {
    const eid = r.varint();
    if (eid < 1 || eid > maxId || seen.has(eid)) throw new ReplayFormatError(`checkpoint of tick ${tick} lists entity ${eid} out of range or twice`);
    seen.add(eid);
    dense.push(eid);
  }
  const ids = r.varint();
  if (ids !== Math.min(maxId + 1, capacity)) throw new ReplayFormatError(`checkpoint of tick ${tick} stores ${ids} ids, expected ${Math.min(maxId + 1, capacity)}`);
  const count = r.varint();
  const components: CheckpointState['components'] = [];
  for (let c = 0; c < count; c++) {
    const name = r.string();
    const nFields = r.varint();
    const schema: Record<string, FieldType> = {};
    const keys: string[] = [];
    for (let f = 0; f < nFields; f++) {
      const key = r.string();
      const type = FIELD_TYPES[r.u8()];
      if (type === undefined) throw new ReplayFormatError(`checkpoint of tick ${tick}: field ${name}.${key} has an unknown storage type`);
      schema[key] = type;
      keys.push(key);
    }
    const members = r.raw((ids + 7) >> 3);
    const data = keys.map((key) => r.raw(ids * schema[key]!.BYTES_PER_ELEMENT));
    components.push({ name, schema, keys, members, data });
  }
  let history: CheckpointState['history'] = null;
  if (r.u8() === 1) {
    const size = r.varint();
    const newest = r.zigzag();
    const owner = r.raw(ids * 4);
    const since = r.raw(ids * 4);
    const ticks = r.varint();
    if (ticks > size) throw new ReplayFormatError(`checkpoint of tick ${tick} has ${ticks} ticks of history, more than its ${size}`);
    const entries: NonNullable<CheckpointState['history']>['entries'] = [];
    const first = newest - ticks + 1;
    for (let t = first; t <= newest; t++) {
      const row = r.raw(ids * 13);
      const rowView = new DataView(row.buffer, row.byteOffset, row.byteLength);
      for (let eid = 0; eid < ids; eid++) {
        if (rowView.getInt32(eid * 4, true) !== t) continue;
        entries.push({ tick: t, eid, x: rowView.getFloat32(ids * 4 + eid * 4, true), y: rowView.getFloat32(ids * 8 + eid * 4, true), alive: row[ids * 12 + eid]! });
      }
    }
    history = { size, newest, owner, since, entries };
  }
  const pendingSpawned: number[] = [];
  const spawned = r.varint();
  if (spawned > denseLength) throw new ReplayFormatError(`checkpoint of tick ${tick} has ${spawned} pending joins, more than its entities`);
  for (let i = 0; i < spawned; i++) {
    const eid = r.varint();
    if (!seen.has(eid)) throw new ReplayFormatError(`checkpoint of tick ${tick}: pending join of unknown entity ${eid}`);
    pendingSpawned.push(eid);
  }
  const pendingRemoved: number[] = [];
  const removed = r.varint();
  if (removed > nextNetId) throw new ReplayFormatError(`checkpoint of tick ${tick} has ${removed} pending leaves, more than NetIds handed out`);
  for (let i = 0; i < removed; i++) pendingRemoved.push(r.varint());
  if (!r.done) throw new ReplayFormatError(`checkpoint of tick ${tick} has ${r.end - r.offset} bytes left over`);
  return { tick, rngState, nextNetId, maxId, aliveCount, dense, ids, components, history, pendingSpawned, pendingRemoved };
}

function defFor(world: BattleWorld, c: CheckpointState['components'][number], extra: readonly AnyComponentDef[]): AnyComponentDef {
  const def = resolveDef(world, c.name, c.schema, extra) ?? defineComponent(c.name, c.schema);
  const keys = Object.keys(def.schema);
  if (keys.length !== c.keys.length || c.keys.some((k) => def.schema[k] !== c.schema[k])) {
    throw new ReplayFormatError(`component ${c.name} has fields ${c.keys.join(', ')} in the replay but ${keys.join(', ')} in this engine`);
  }
  return def;
}

/**
 * Puts `world` (a battle world with the recorded rules and capacity) in the state of `state`:
 * entity index, components, RNG, NetIds, time, position history. Queries keep working; their
 * order may differ from the original's, which systems do not depend on.
 * @throws ReplayFormatError when the checkpoint does not fit this world or engine.
 */
export function restoreCheckpoint(world: BattleWorld, state: CheckpointState, extra: readonly AnyComponentDef[] = []): void {
  if (state.maxId > world.capacity) throw new ReplayFormatError(`checkpoint of tick ${state.tick} needs capacity ${state.maxId}, the world has ${world.capacity}`);
  const defs = state.components.map((c) => defFor(world, c, extra));
  const ctx = internalsOf(world);
  const index = ctx.entityIndex;
  for (const eid of index.dense.slice(0, index.aliveCount)) removeEntity(world, eid);
  commitRemovals(world);
  index.dense = state.dense.slice();
  index.sparse = [];
  for (let i = 0; i < state.dense.length; i++) index.sparse[state.dense[i]!] = i;
  index.aliveCount = state.aliveCount;
  index.maxId = state.maxId;
  for (const masks of ctx.entityMasks) masks.length = 0;
  ctx.entityComponents.clear();
  const alive = state.dense.slice(0, state.aliveCount).sort((a, b) => a - b);
  for (const eid of alive) ctx.entityComponents.set(eid, new Set());
  for (let c = 0; c < defs.length; c++) {
    const comp = state.components[c]!;
    const store = getStore(world, defs[c]!) as Record<string, InstanceType<FieldType>>;
    for (const eid of alive) {
      if ((comp.members[eid >> 3]! & (1 << (eid & 7))) !== 0) addComponent(world, eid, store);
    }
    for (let f = 0; f < comp.keys.length; f++) {
      const array = store[comp.keys[f]!]!;
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(0);
      new Uint8Array(array.buffer, array.byteOffset, comp.data[f]!.length).set(comp.data[f]!);
    }
  }
  world.rng.setState(state.rngState);
  world.nextNetId = state.nextNetId;
  world.time.tick = state.tick;
  world.time.elapsed = state.tick * world.time.dt;
  world.events.length = 0;
  world.publishedEvents = 0;
  world.grid.builtAt = -1;
  // Between ticks every queue is empty: the input system drained them (commands queued before
  // recording began are recorded with the first step that consumed them).
  const player = getStore(world, Player);
  const netId = getStore(world, NetId).id;
  world.inputs.clear();
  const sync = world.sync;
  sync.byNetId.clear();
  sync.changed.length = 0;
  sync.spawned = [];
  sync.removed = [];
  sync.pendingSpawned = state.pendingSpawned.slice();
  sync.pendingRemoved = state.pendingRemoved.slice();
  for (const eid of alive) {
    if (!ctx.entityComponents.get(eid)!.has(player)) continue;
    world.inputs.set(eid, []);
    sync.byNetId.set(netId[eid]!, eid);
  }
  restoreHistory(world, state);
}

function restoreHistory(world: BattleWorld, state: CheckpointState): void {
  const history = world.history;
  const saved = state.history;
  if ((history === null) !== (saved === null)) throw new ReplayFormatError(`checkpoint of tick ${state.tick} ${saved === null ? 'lacks' : 'has'} a position history, the rules say otherwise`);
  if (history === null || saved === null) return;
  if (saved.size !== history.size) throw new ReplayFormatError(`checkpoint of tick ${state.tick} keeps ${saved.size} ticks of history, the rules ${history.size}`);
  history.stamp.fill(-1);
  history.owner.fill(0);
  history.since.fill(0);
  new Uint8Array(history.owner.buffer).set(saved.owner);
  new Uint8Array(history.since.buffer).set(saved.since);
  history.newest = saved.newest;
  for (const e of saved.entries) {
    const at = (e.tick % history.size) * history.capacity + e.eid;
    history.xs[at] = e.x;
    history.ys[at] = e.y;
    history.alive[at] = e.alive;
    history.stamp[at] = e.tick;
  }
}
