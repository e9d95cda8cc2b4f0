// One 32-bit hash of the authoritative state of a battle world, cheap enough to take every tick:
// every field array is hashed where it lies (no copy), and membership bitsets are kept up to date
// from bitECS's entity masks, recomputed only for entities whose masks changed since last time.
import { xxHash32Of } from './xxh32';
import type { BattleWorld } from '../battle';
import type { AnyComponentDef, FieldType } from '../component';
import type { EngineWorld } from '../world';
import { entityIndexOf, idRange, internalsOf, sortedStores, type SortedStore } from './world-state';

// The hash of the field and membership hashes and the world-wide words (see docs/replay-format.md).
let digest = new Uint8Array(1 << 12);
let digestView = new DataView(digest.buffer);
let digestWords = new Uint32Array(digest.buffer);
// Every platform Skirmish runs on is little-endian, as the format is; a big-endian one would take
// the DataView path.
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function room(need: number): void {
  if (need <= digest.length) return;
  let size = digest.length * 2;
  while (size < need) size *= 2;
  digest = new Uint8Array(size);
  digestView = new DataView(digest.buffer);
  digestWords = new Uint32Array(digest.buffer);
}

// Per world: each store's membership bitset over every id a store can hold, and the bitECS masks
// the bitsets were last computed from (one array per mask generation).
interface MembershipCache {
  stores: readonly SortedStore[];
  bits: Uint8Array[];
  // Per store, the bitECS generation and bit of its component (-1: not registered yet).
  generation: number[];
  flag: number[];
  seenMasks: Int32Array[];
  // Views of each field's bytes and of each membership bitset for `viewIds` ids, so a tick hashes
  // without allocating.
  fieldBytes: Uint8Array[][];
  memberBytes: Uint8Array[];
  // The same bytes as whole 32-bit words where aligned, for the all-zero test (a quarter of the reads).
  fieldWords: Int32Array[][];
  memberWords: Int32Array[];
  viewIds: number;
}

const caches = new WeakMap<object, MembershipCache>();

function registration(world: EngineWorld, def: AnyComponentDef): { generationId: number; bitflag: number } | undefined {
  return internalsOf(world).componentMap.get(world.stores.get(def));
}

function bytesOf(array: InstanceType<FieldType>, ids: number): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, ids * array.BYTES_PER_ELEMENT);
}

function freshCache(world: EngineWorld, stores: readonly SortedStore[]): MembershipCache {
  const capacity = world.capacity;
  return {
    stores,
    bits: stores.map(() => new Uint8Array((capacity + 7) >> 3)),
    generation: stores.map((s) => registration(world, s.def)?.generationId ?? -1),
    flag: stores.map((s) => registration(world, s.def)?.bitflag ?? 0),
    seenMasks: [],
    fieldBytes: stores.map(() => []),
    memberBytes: [],
    fieldWords: stores.map(() => []),
    memberWords: [],
    viewIds: -1,
  };
}

// Brings every bitset up to date: an entity's bits are recomputed when any of its masks differs
// from what they were computed from (a new cache, or a newly registered component, starts from
// masks of −1 so that every id is computed once).
function updateMembership(world: EngineWorld, cache: MembershipCache, ids: number): void {
  const masks = internalsOf(world).entityMasks;
  let stale = false;
  for (let s = 0; s < cache.stores.length; s++) {
    const r = registration(world, cache.stores[s]!.def);
    const generation = r?.generationId ?? -1;
    if (generation !== cache.generation[s] || (r?.bitflag ?? 0) !== cache.flag[s]) {
      cache.generation[s] = generation;
      cache.flag[s] = r?.bitflag ?? 0;
      stale = true;
    }
  }
  // bitECS masks stay below 2^31 (a generation holds 31 bits), so −1 is never one.
  while (cache.seenMasks.length < masks.length) cache.seenMasks.push(new Int32Array(world.capacity).fill(-1));
  if (stale) for (const seen of cache.seenMasks) seen.fill(-1);
  const generations = masks.length;
  // To the end of the last bitset byte hashed, so ids past the highest (after a checkpoint
  // restore lowered it) read as absent.
  const end = Math.min(world.capacity, ((ids + 7) >> 3) << 3);
  for (let eid = 0; eid < end; eid++) {
    let changed = false;
    for (let g = 0; g < generations; g++) {
      const mask = masks[g]![eid] ?? 0;
      const seen = cache.seenMasks[g]!;
      if (seen[eid] !== mask) {
        seen[eid] = mask;
        changed = true;
      }
    }
    if (!changed) continue;
    const byte = eid >> 3;
    const bit = 1 << (eid & 7);
    for (let s = 0; s < cache.bits.length; s++) {
      const g = cache.generation[s]!;
      const has = g >= 0 && ((masks[g]![eid] ?? 0) & cache.flag[s]!) !== 0;
      const bits = cache.bits[s]!;
      bits[byte] = has ? bits[byte]! | bit : bits[byte]! & ~bit;
    }
  }
}

function cacheFor(world: EngineWorld, stores: readonly SortedStore[]): MembershipCache {
  let cache = caches.get(world);
  if (cache === undefined || cache.stores !== stores) {
    cache = freshCache(world, stores);
    caches.set(world, cache);
  }
  return cache;
}

/**
 * The membership bitset of every store of `world` in `sortedStores` order (bit `eid` of a store's
 * bitset is set when the entity has it), for ids 0 … capacity − 1. Views into a cache: valid
 * until the world changes.
 */
export function membershipBitsets(world: EngineWorld): Uint8Array[] {
  const stores = sortedStores(world);
  const cache = cacheFor(world, stores);
  updateMembership(world, cache, idRange(world));
  return cache.bits;
}

// `bytes` as 32-bit words, as far as whole aligned words go (none when it is not aligned).
function wordsOf(bytes: Uint8Array): Int32Array {
  if (bytes.byteOffset % 4 !== 0) return new Int32Array(0);
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

// Whether any byte of `bytes` is set, given `words = wordsOf(bytes)`.
function anyNonZero(bytes: Uint8Array, words: Int32Array): boolean {
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return true;
  for (let i = words.length * 4; i < bytes.length; i++) if (bytes[i] !== 0) return true;
  return false;
}

function anyFieldSet(fields: readonly Uint8Array[], words: readonly Int32Array[]): boolean {
  for (let f = 0; f < fields.length; f++) if (anyNonZero(fields[f]!, words[f]!)) return true;
  return false;
}

// The parts of the state hashed one by one, in order: per present store its membership bitset,
// then each field's bytes. Reused between calls; valid until the next.
const parts: Uint8Array[] = [];

// Writes the world-wide words at the start of `digest` (tick, RNG state, next NetId, alive count,
// ids, the dense entity index) and fills `parts`; returns the words' byte length.
function collectState(world: BattleWorld): number {
  const index = entityIndexOf(world);
  const ids = idRange(world, index);
  const stores = sortedStores(world);
  const cache = cacheFor(world, stores);
  updateMembership(world, cache, ids);
  if (cache.viewIds !== ids) {
    cache.fieldBytes = stores.map((s) => s.fields.map((f) => bytesOf(f.array, ids)));
    cache.memberBytes = cache.bits.map((bits) => bits.subarray(0, (ids + 7) >> 3));
    cache.fieldWords = cache.fieldBytes.map((fields) => fields.map(wordsOf));
    cache.memberWords = cache.memberBytes.map(wordsOf);
    cache.viewIds = ids;
  }
  const dense = index.dense;
  let fieldCount = 0;
  for (const { fields } of stores) fieldCount += fields.length + 1;
  room(20 + dense.length * 4 + fieldCount * 4 + 16);
  digestView.setUint32(0, world.time.tick >>> 0, true);
  digestView.setUint32(4, world.rng.state(), true);
  digestView.setUint32(8, world.nextNetId >>> 0, true);
  digestView.setUint32(12, index.aliveCount, true);
  digestView.setUint32(16, ids, true);
  let at = 20;
  if (LITTLE_ENDIAN) {
    // A loop rather than one `set`: bitECS's dense array changes element kinds as entities come
    // and go, and `set` from a holey or double array takes a slow generic path.
    for (let i = 0; i < dense.length; i++) digestWords[5 + i] = dense[i]!;
    at += dense.length * 4;
  } else {
    for (let i = 0; i < dense.length; i++, at += 4) digestView.setUint32(at, dense[i]!, true);
  }
  parts.length = 0;
  for (let s = 0; s < stores.length; s++) {
    const members = cache.memberBytes[s]!;
    const fieldBytes = cache.fieldBytes[s]!;
    // A store nobody has and that holds only zeros is the same as no store: a viewer whose
    // renderer allocates a client-only component still hashes what the recorder hashed.
    if (!anyNonZero(members, cache.memberWords[s]!) && !anyFieldSet(fieldBytes, cache.fieldWords[s]!)) continue;
    parts.push(members);
    for (let f = 0; f < fieldBytes.length; f++) parts.push(fieldBytes[f]!);
  }
  return at;
}

/**
 * A 32-bit xxHash of the world's state: tick, RNG state, next NetId, the entity index (its dense
 * order decides which id is recycled next), and for every component store, in name order, the
 * xxHash of which entities have it and of each field's bytes for every entity id up to the
 * highest issued (a store no entity has and holding only zeros counts as absent). Independent of
 * the order components were registered in or stores allocated in, and of bitECS query order.
 * The layout is in docs/replay-format.md.
 */
export function hashWorld(world: BattleWorld): number {
  let at = collectState(world);
  for (let p = 0; p < parts.length; p++, at += 4) digestView.setUint32(at, xxHash32Of(parts[p]!), true);
  return xxHash32Of(digest.subarray(0, at));
}
