/** The rules of a battle. The engine takes them as data; the game picks the values. */
export interface BattleRules {
  /** Map size in units; positions are clamped to [0, width] × [0, height]. */
  map: {
    /** Extent along x. */
    width: number;
    /** Extent along y. */
    height: number;
  };
  /** Movement speed in units per second; diagonals are not faster. */
  speed: number;
  /** Health at spawn and respawn. */
  health: number;
  /** The one attack every player has. */
  attack: {
    /** Hits every other living player at distance ≤ range (inclusive). */
    range: number;
    /** Hit points each victim loses. */
    damage: number;
    /** Seconds between attacks. */
    cooldown: number;
  };
  /** Seconds from death to respawn. */
  respawnDelay: number;
  /** Cell side of the spatial grid in units; default `attack.range` (16 when the range is 0). */
  gridCellSize?: number;
  /**
   * Lag compensation: attacks carrying a `viewTimeS` are resolved against where targets were then.
   * Absent: no position history is kept and `viewTimeS` is ignored.
   */
  lagCompensation?: {
    /** Most seconds an attack may be rewound; older view times are clamped to it. Default 0.25. */
    maxRewind?: number;
    /** Seconds of position history kept; at least `maxRewind`. Default 1. */
    history?: number;
  };
}

/** `rules.lagCompensation` with its defaults filled in, or null when it is absent. */
export function lagCompensationOf(rules: BattleRules): { maxRewind: number; history: number } | null {
  const lag = rules.lagCompensation;
  if (lag === undefined) return null;
  return { maxRewind: lag.maxRewind ?? 0.25, history: lag.history ?? 1 };
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
  const positive = (name: string, value: number): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`Skirmish: rule ${name} must be a finite number > 0, got ${value}`);
    }
  };
  if (rules.gridCellSize !== undefined) positive('gridCellSize', rules.gridCellSize);
  const lag = lagCompensationOf(rules);
  if (lag !== null) {
    check('lagCompensation.maxRewind', lag.maxRewind, 0);
    positive('lagCompensation.history', lag.history);
    // A rewind past the history would find no positions, so every such attack would miss.
    check('lagCompensation.history', lag.history, lag.maxRewind);
  }
  return rules;
}
