/** The rules of a battle. The engine takes them as data; the game picks the values. */
export interface BattleRules {
  /** Map size in units; positions are clamped to [0, width] × [0, height]. */
  map: { width: number; height: number };
  /** Movement speed in units per second; diagonals are not faster. */
  speed: number;
  /** Health at spawn and respawn. */
  health: number;
  attack: {
    /** Hits every other living player at distance ≤ range (inclusive). */
    range: number;
    damage: number;
    /** Seconds between attacks. */
    cooldown: number;
  };
  /** Seconds from death to respawn. */
  respawnDelay: number;
}

/**
 * Checks rules for values that would break the simulation.
 * @throws with the offending field when a value is not a finite number in range.
 */
export function validateRules(rules: BattleRules): BattleRules {
  const check = (name: string, value: number, min: number): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new Error(`Skirmish: rule ${name} must be a finite number ≥ ${min}, got ${value}`);
    }
  };
  check('map.width', rules.map.width, 1);
  check('map.height', rules.map.height, 1);
  check('speed', rules.speed, 0);
  check('health', rules.health, 1);
  check('attack.range', rules.attack.range, 0);
  check('attack.damage', rules.attack.damage, 0);
  check('attack.cooldown', rules.attack.cooldown, 0);
  check('respawnDelay', rules.respawnDelay, 0);
  return rules;
}
