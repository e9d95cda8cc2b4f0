// One King of the Hill tick, in order. The engine's battle systems do input, movement and hits;
// this game's systems turn hits into shoves and time on the hill into points and crowns.
import { combatSystem, historySystem, inputSystem, movementSystem, spatialSystem, syncSystem, type BattleWorld, type System } from 'skirmish';
import { crownSystem } from './crown';
import { hillSystem } from './hill';
import { shoveSystem } from './shove';

/** The systems of a King of the Hill world, in tick order. No respawnSystem: hits do no damage, nobody dies. */
export const kingOfTheHillSystems: readonly System<BattleWorld>[] = [
  inputSystem,
  movementSystem,
  spatialSystem, // where everyone ended the move, for combat to find who is in reach
  combatSystem, // damage 0: hits are only emitted
  shoveSystem, // turns those hits into pushes
  hillSystem, // after the shoves: a player pushed off this tick no longer holds the hill
  crownSystem,
  historySystem, // where everyone ended the tick, shoves included, for lag compensation
  syncSystem, // last: lists what changed for the network layer
];

export { shoveSystem, hillSystem, crownSystem };
export { HillTime } from './hill';
