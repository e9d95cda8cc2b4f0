// Hashing a recorded tick's state on another thread than the one that ticks (a worker, on a
// server): the recorder hands over views of the state (`stateParts`, over shared memory) and
// writes the hash into the tick's record once it is settled, before the record reaches the sink.

/**
 * Hashes the state of a tick off the ticking thread. The caller leaves the state the views
 * describe alone from `begin` until `settle` (the recorder settles before the next step and
 * before any join, leave or drop), so the other thread reads a whole tick.
 */
export interface StateHasher {
  /**
   * Starts hashing the state `words` and `parts` describe (`stateParts`); `words` may be reused
   * by the caller at once, `parts` not before `settle`. Returns a ticket, or undefined when it
   * cannot take this one (then the recorder hashes in place).
   */
  begin(words: Uint8Array, parts: readonly Uint8Array[]): number | undefined;
  /** Whether the other thread has finished with `ticket` (its views may change now). Cheap. */
  done(ticket: number): boolean;
  /**
   * The ticket's hash: the other thread's, or, if it has not finished, computed here from the
   * same views; afterwards the other thread no longer reads them.
   */
  settle(ticket: number): number;
}
