// Who stands on the hill. One function for the server's scoring and the page's HUD, so what the
// page shows is the rule the server applies (on the page's drawn positions).
import { Dead, getStore, hasComponent, Offline, Player, Position, query, type EngineWorld } from 'skirmish';
import type { Hill } from './rules';

/** Fills `out` with the players on the hill who count: alive and connected (a dropped player's body neither scores nor blocks). */
export function playersOnHill(world: EngineWorld, hill: Hill, out: number[] = []): number[] {
  out.length = 0;
  const pos = getStore(world, Position);
  const dead = getStore(world, Dead);
  const offline = getStore(world, Offline);
  const r2 = hill.radius * hill.radius;
  for (const eid of query(world, [getStore(world, Player), pos])) {
    if (hasComponent(world, eid, dead) || hasComponent(world, eid, offline)) continue;
    const dx = pos.x[eid]! - hill.x;
    const dy = pos.y[eid]! - hill.y;
    if (dx * dx + dy * dy <= r2) out.push(eid);
  }
  return out;
}
