// Changes made to a world from outside a step (joins, leaves, connection drops) and the input
// commands a step consumed are the part of a match that systems cannot recompute; a replay
// recorder listens here for them.
import type { InputCommand } from './input';

/** The Input store fields that decide how a queue of commands is encoded. */
export interface InputStoreValues {
  seq: number;
  mx: number;
  my: number;
  seek: number;
}

/** Told of every change made to a battle world between steps, in the order they happen. */
export interface WorldJournal {
  /** `spawnPlayer` added `eid` at (x, y); `random` when the spot came from the world's RNG. */
  spawned(eid: number, x: number, y: number, random: boolean): void;
  /** `despawnPlayer` removed `eid`. */
  despawned(eid: number): void;
  /** `setOffline` tagged (or untagged) `eid` as disconnected. */
  offline(eid: number, offline: boolean): void;
  /**
   * The input system has just applied `queue` (not empty) to `eid`; `before` is what the
   * player's Input store held when the tick found it. Called after the input system read the
   * commands, so a recorder encodes them while they are in cache. A game with an input system of
   * its own calls this too (one input system per step), or its matches replay without their inputs.
   */
  consumed?(eid: number, queue: readonly InputCommand[], before: Readonly<InputStoreValues>): void;
}

const journals = new WeakMap<object, WorldJournal>();

/**
 * Sets (or with null, removes) the journal of `world`; one at a time.
 * @throws when the world already has another journal.
 */
export function setJournal(world: object, journal: WorldJournal | null): void {
  if (journal === null) {
    journals.delete(world);
    return;
  }
  const current = journals.get(world);
  if (current !== undefined && current !== journal) throw new Error('Skirmish: this world already has a journal (is it being recorded twice?)');
  journals.set(world, journal);
}

/** The journal of `world`, if any. */
export function journalOf(world: object): WorldJournal | undefined {
  return journals.get(world);
}
