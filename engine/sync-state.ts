// The network-sync system's output, on its own so that `BattleWorld` can name it without
// importing the system (which imports `BattleWorld`).

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
