// One 32-bit hash of the authoritative state of a battle world, cheap enough to take every tick.
import { xxHash32 } from 'js-xxhash';
import type { BattleWorld } from '../battle';
import { entityIndexOf, idRange, membershipOf, sortedStores } from './world-state';

let scratch = new Uint8Array(1 << 16);
let scratchView = new DataView(scratch.buffer);

function room(need: number): void {
  if (need <= scratch.length) return;
  let size = scratch.length * 2;
  while (size < need) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(scratch);
  scratch = grown;
  scratchView = new DataView(grown.buffer);
}

/**
 * A 32-bit xxHash of the world's state: tick, RNG state, next NetId, the entity index (its dense
 * order decides which id is recycled next), and for every component store, in name order, which
 * entities have it and the bytes of every field for every entity id up to the highest issued
 * (a store no entity has and holding only zeros counts as absent). Independent of the order
 * components were registered in or stores allocated in, and of bitECS query order.
 */
export function hashWorld(world: BattleWorld): number {
  const index = entityIndexOf(world);
  const ids = idRange(world, index);
  const stores = sortedStores(world);
  let need = 16 + index.dense.length * 4;
  for (const { fields } of stores) {
    need += (ids + 7) >> 3;
    for (const f of fields) need += ids * f.array.BYTES_PER_ELEMENT;
  }
  room(need + 16);
  let at = 0;
  scratchView.setUint32(at, world.time.tick >>> 0, true);
  scratchView.setUint32(at + 4, world.rng.state(), true);
  scratchView.setUint32(at + 8, world.nextNetId >>> 0, true);
  scratchView.setUint32(at + 12, index.aliveCount, true);
  at += 16;
  const dense = index.dense;
  for (let i = 0; i < dense.length; i++, at += 4) scratchView.setUint32(at, dense[i]!, true);
  for (const { def, fields } of stores) {
    const start = at;
    at = membershipOf(world, def, ids, scratch, at);
    let members = false;
    for (let i = start; i < at; i++) if (scratch[i] !== 0) members = true;
    for (const f of fields) {
      const n = ids * f.array.BYTES_PER_ELEMENT;
      scratch.set(new Uint8Array(f.array.buffer, f.array.byteOffset, n), at);
      at += n;
    }
    // A store nobody has and that holds only zeros is the same as no store: a viewer whose
    // renderer allocates a client-only component still hashes what the recorder hashed.
    if (!members) {
      let empty = true;
      for (let i = start; i < at && empty; i++) if (scratch[i] !== 0) empty = false;
      if (empty) at = start;
    }
  }
  // Zero-padded to whole 16-byte stripes: js-xxhash's tail loop is several times slower per byte.
  const padded = (at + 15) & ~15;
  scratch.fill(0, at, padded);
  return xxHash32(scratch.subarray(0, padded), 0) >>> 0;
}
