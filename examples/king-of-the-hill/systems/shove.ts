import { getStore, Position, type BattleEvent, type BattleWorld } from 'skirmish';
import { kingRules } from '../rules';

/** Pushes every player hit this tick straight away from its attacker: on the hill a hit moves you, it does not hurt. */
export function shoveSystem(world: BattleWorld): void {
  const { shove, map } = kingRules(world);
  const pos = getStore(world, Position);
  // Combat emitted this tick's hits just before; the position change reaches clients as a correction.
  for (const event of world.events as BattleEvent[]) {
    if (event.type !== 'hit') continue;
    const { attacker, victim } = event;
    let dx = pos.x[victim]! - pos.x[attacker]!;
    let dy = pos.y[victim]! - pos.y[attacker]!;
    const distance = Math.hypot(dx, dy);
    // Two players on one spot have no "away": push along +x rather than not at all.
    if (distance === 0) [dx, dy] = [1, 0];
    else [dx, dy] = [dx / distance, dy / distance];
    pos.x[victim] = Math.min(map.width, Math.max(0, pos.x[victim]! + dx * shove));
    pos.y[victim] = Math.min(map.height, Math.max(0, pos.y[victim]! + dy * shove));
  }
}
