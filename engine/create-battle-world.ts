import { createWorld, type WorldOptions } from './world';
import type { BattleRules } from './rules';
import { lagCompensationOf, validateRules } from './rules';
import { createSpatialGrid } from './spatial';
import { createPositionHistory, type PositionHistory } from './history';
import { createSyncState } from './sync-state';
import { battleSystems } from './systems';
import type { BattleContext, BattleWorld } from './battle';

/** Options of `createBattleWorld`. */
export interface BattleWorldOptions extends WorldOptions<BattleWorld> {
  /** The battle's rules. */
  rules: BattleRules;
}

/**
 * Creates a battle world running `battleSystems` (input → movement → spatial → combat → respawn →
 * history → sync) unless `systems` is given. Pass `systems: [...battleSystems, mySystem]` to extend it.
 * @throws if the rules, dt or capacity are invalid.
 */
export function createBattleWorld(options: BattleWorldOptions): BattleWorld {
  const { rules } = options;
  validateRules(rules);
  const capacity = options.capacity ?? 4096;
  const world = createWorld<BattleContext>(
    { ...options, capacity, systems: options.systems ?? [...battleSystems] },
    {
      rules,
      inputs: new Map(),
      sync: createSyncState(capacity),
      nextNetId: 1,
      grid: createSpatialGrid(rules.map, rules.gridCellSize ?? (rules.attack.range > 0 ? rules.attack.range : 16), capacity),
      history: null,
    },
  );
  const lag = lagCompensationOf(rules);
  // Made after the world, which has validated dt.
  if (lag !== null) (world as { history: PositionHistory | null }).history = createPositionHistory(capacity, world.time.dt, lag.history);
  return world;
}
