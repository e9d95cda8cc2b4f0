import { Not, query } from 'bitecs';
import { getStore } from '../component';
import { Dead, NetId, Player, Position } from '../components';
import type { BattleWorld } from '../battle';
import { recordPosition } from '../history';

/**
 * Records this tick's position and alive flag of every player into `world.history`, for lag
 * compensation. Runs after respawn (so a respawn is recorded where it happened) and before sync.
 * Does nothing when the world keeps no history (no `rules.lagCompensation`).
 */
export function historySystem(world: BattleWorld): void {
  const history = world.history;
  if (history === null) return;
  const tick = world.time.tick;
  const pos = getStore(world, Position);
  const netId = getStore(world, NetId).id;
  const player = getStore(world, Player);
  const dead = getStore(world, Dead);
  const living = query(world, [player, pos, Not(dead)]);
  for (let i = 0; i < living.length; i++) {
    const eid = living[i]!;
    recordPosition(history, tick, eid, pos.x[eid]!, pos.y[eid]!, true, netId[eid]!);
  }
  const fallen = query(world, [player, pos, dead]);
  for (let i = 0; i < fallen.length; i++) {
    const eid = fallen[i]!;
    recordPosition(history, tick, eid, pos.x[eid]!, pos.y[eid]!, false, netId[eid]!);
  }
  history.newest = tick;
}
