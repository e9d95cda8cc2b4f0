// Hashing a recorded tick's state somewhere else than the thread that ticks (a worker thread on a
// server): the recorder only copies what `hashWorld` would hash into a buffer it is lent, and
// writes the hash into the tick's record once it is known, before the record reaches the sink.

/**
 * Hashes state snapshots (`writeHashSnapshot`) off the ticking thread. Tickets are handed out in
 * submission order; one hasher may serve several recorders on the same thread.
 */
export interface SnapshotHasher {
  /**
   * A buffer to write the next snapshot into, at least `bytes` long, or undefined when none is
   * free now (the recorder then hashes on its own thread).
   */
  acquire(bytes: number): Uint8Array | undefined;
  /** Hands over the snapshot written into the buffer the last `acquire` lent (its first `length` bytes); returns its ticket. */
  submit(length: number): number;
  /** The hash of `ticket`'s snapshot once it is ready, else undefined. */
  poll(ticket: number): number | undefined;
  /**
   * The hash of `ticket`'s snapshot now: computed on the calling thread when the hasher has not
   * finished it, so a stalled or dead hasher never holds a recording up.
   */
  now(ticket: number): number;
}
