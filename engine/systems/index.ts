import { inputSystem } from './input';
import { movementSystem } from './movement';
import { spatialSystem } from '../spatial';
import { combatSystem } from './combat';
import { respawnSystem } from './respawn';
import { historySystem } from './history';
import { syncSystem } from './sync';

/** What one battle tick does, in order. */
export const battleSystems = [
  inputSystem,
  movementSystem,
  spatialSystem, // world.grid of end-of-movement positions, for combat
  combatSystem,
  respawnSystem,
  historySystem, // after respawn: records where everyone ended the tick
  syncSystem,
] as const;

export { inputSystem, movementSystem, spatialSystem, combatSystem, respawnSystem, historySystem, syncSystem };
