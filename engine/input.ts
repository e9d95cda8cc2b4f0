/**
 * One input command from a player, already validated by whoever received it.
 * Omitted fields keep the player's current movement; `attack` is a press for this command only.
 */
export interface InputCommand {
  /** Sequence number chosen by the client; echoed back so it can tell what the server has applied. */
  seq?: number;
  /** Direction to walk, each axis in [-1, 1]; normalised if longer than 1. */
  move?: { x: number; y: number };
  /** Walk toward this point at the speed limit (the classic protocol's `move`). */
  target?: { x: number; y: number };
  /** Attack with this command (a press: it does not repeat on later ticks). */
  attack?: boolean;
  /**
   * With `attack`: the simulation time, in seconds, of the world the player saw when pressing it
   * (server time − latency − interpolation delay). Used for lag compensation; ignored otherwise.
   * Suffixed because the wire carries the same moment in milliseconds.
   */
  viewTimeS?: number;
}

/** Per-player queues of commands waiting for the next tick. */
export type InputQueues = Map<number, InputCommand[]>;

/** Most commands one player may have waiting; older ones are dropped first. */
export const MAX_QUEUED_INPUTS = 32;

/**
 * Queues a command for `eid`, applied at the next tick by the input system.
 * Returns false (and queues nothing) when `eid` is not a player of this world.
 */
export function queueInput(world: { readonly inputs: InputQueues }, eid: number, command: InputCommand): boolean {
  const queue = world.inputs.get(eid);
  if (queue === undefined) return false;
  if (queue.length >= MAX_QUEUED_INPUTS) queue.shift();
  queue.push(command);
  return true;
}
