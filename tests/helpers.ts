// Shared test helpers: timeouts so a broken network test fails instead of hanging the run.
import { entityOf, mirrorPositionAt, type GameClient } from '../net';

/** Rejects with `what` when `promise` has not settled within `ms`. */
export function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns a truthy value or `ms` passes. */
export async function waitFor<T>(check: () => T | undefined | false | null, ms = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Where a client's mirror dead-reckons player `netId` to at server tick `tick`, or undefined when
 * it is not mirrored: the server says nothing while a player walks straight on, so waiting for
 * walking means reckoning to the server's present tick.
 */
export function reckoned(client: GameClient, netId: number, tick: number): { x: number; y: number } | undefined {
  const eid = entityOf(client.world, netId);
  if (eid === undefined) return undefined;
  const out = { x: 0, y: 0 };
  mirrorPositionAt(client.world, eid, tick, out);
  return out;
}
