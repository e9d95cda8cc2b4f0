import { query, removeComponent } from 'bitecs';
import { getStore } from '../component';
import { Dead, Health, Position } from '../components';
import type { BattleWorld } from '../battle';
import { emit } from '../world';
import type { RespawnEvent } from '../events';
import { ascending, createAscending } from '../order';

const EPSILON = 1e-9;
const due = createAscending();

/** Brings dead players back when their timer runs out: full health, a random spot inside the map. */
export function respawnSystem(world: BattleWorld): void {
  const { map } = world.rules;
  const now = world.time.elapsed;
  const dead = getStore(world, Dead);
  const pos = getStore(world, Position);
  const health = getStore(world, Health);
  // In entity id order: each respawn draws its spot from the RNG, so the order is part of the result.
  for (const eid of ascending(query(world, [dead, health, pos]), due)) {
    if (now + EPSILON < dead.respawnAt[eid]!) continue;
    removeComponent(world, eid, dead);
    health.hp[eid] = health.max[eid]!;
    pos.x[eid] = world.rng.range(0, map.width);
    pos.y[eid] = world.rng.range(0, map.height);
    emit<RespawnEvent>(world, { type: 'respawn', eid });
  }
}
