// The classic rules, written out (not imported from game/) so engine and net tests state exactly
// what they assume.
import type { BattleRules } from '../engine';

/** 100 × 100 map, speed 25, 100 hp, range 10, damage 10, cooldown 0.5 s, respawn 3 s. */
export const rules: BattleRules = {
  map: { width: 100, height: 100 }, speed: 25, health: 100,
  attack: { range: 10, damage: 10, cooldown: 0.5 }, respawnDelay: 3,
};
