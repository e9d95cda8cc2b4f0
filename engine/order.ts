// bitECS query order is insertion order with swap-removes: it depends on the history of adds and
// removes, which a world restored from a snapshot does not share. Systems whose outcome depends on
// order (who hits first, who draws which random spot) iterate in ascending entity id instead, so
// a match is a function of its state, not of how that state came about.

/** A sorted copy of `eids` in a reusable buffer: read `buffer[0 .. count)`. */
export interface Ascending {
  buffer: Uint32Array;
  count: number;
}

/** Creates an empty reusable sorted-ids buffer. */
export function createAscending(): Ascending {
  return { buffer: new Uint32Array(64), count: 0 };
}

/** Copies `eids` into `into` in ascending order and returns the sorted view. */
export function ascending(eids: ArrayLike<number>, into: Ascending): Uint32Array {
  const n = eids.length;
  if (into.buffer.length < n) into.buffer = new Uint32Array(Math.max(n, into.buffer.length * 2));
  const buffer = into.buffer;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    buffer[i] = eids[i]!;
    if (i > 0 && buffer[i - 1]! > buffer[i]!) sorted = false;
  }
  into.count = n;
  const view = buffer.subarray(0, n);
  return sorted ? view : view.sort();
}
