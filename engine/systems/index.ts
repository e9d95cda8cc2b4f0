import { inputSystem } from './input';
import { movementSystem } from './movement';
import { combatSystem } from './combat';
import { respawnSystem } from './respawn';
import { syncSystem } from './sync';

/** What one battle tick does, in order. */
export const battleSystems = [inputSystem, movementSystem, combatSystem, respawnSystem, syncSystem] as const;

export { inputSystem, movementSystem, combatSystem, respawnSystem, syncSystem };
