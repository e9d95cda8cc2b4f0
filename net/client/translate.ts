// State messages as a game sees them: discrete events (joins, leaves, attacks, hits, kills,
// respawns) derived from what applying a message changed in the mirror.
import { getStore, Health, LastAttack } from '../../engine';
import type { StateMessage, WireEvent } from '../wire';
import { entityOf, type AppliedChanges, type MirrorWorld } from './mirror';

/**
 * The events of one applied state message, in a fixed order: joins, leaves, attacks, hits, kills,
 * respawns. Marks each attacker's `LastAttack.at` with local time `now` (ms), for the renderer.
 */
export function eventsOf(world: MirrorWorld, message: StateMessage, changes: AppliedChanges, now: number): WireEvent[] {
  const lastAttack = getStore(world, LastAttack);
  const health = getStore(world, Health);
  const events: WireEvent[] = [];
  for (const id of changes.entered) events.push({ type: 'join', id });
  for (const id of changes.left) events.push({ type: 'leave', id });
  for (const id of changes.attacked) {
    const eid = entityOf(world, id);
    if (eid !== undefined) lastAttack.at[eid] = now;
    events.push({ type: 'attack', id });
  }
  for (const [attacker, victim] of message.hits) {
    const eid = entityOf(world, victim);
    events.push({ type: 'hit', attacker, victim, hp: eid === undefined ? Number.NaN : health.hp[eid]! });
  }
  for (const [attacker, victim] of message.kills) events.push({ type: 'kill', attacker, victim });
  for (const id of changes.respawned) events.push({ type: 'respawn', id });
  return events;
}
