import { createWorld, type EngineWorld, type WorldOptions } from './world';
import type { BattleRules } from './rules';
import { lagCompensationOf, validateRules } from './rules';
import { createSpatialGrid, type SpatialGrid } from './spatial';
import { createPositionHistory, type PositionHistory } from './history';
import type { InputQueues } from './input';
import { createSyncState, type SyncState } from './systems/sync';
import { battleSystems } from './systems';

/** Context a battle world carries on top of the engine's. */
export interface BattleContext {
  readonly rules: BattleRules;
  /** Commands waiting for the next tick, per player entity. */
  readonly inputs: InputQueues;
  /** What the network-sync system found changed in the last tick. */
  readonly sync: SyncState;
  /** Next NetId to hand out; never reused. */
  nextNetId: number;
  /**
   * Living players by end-of-movement position, rebuilt each tick by `spatialSystem`: query it
   * after `step`. Players respawned during a tick enter it at the next.
   */
  readonly grid: SpatialGrid;
  /** Recent positions for lag compensation (`positionAt`); null without `rules.lagCompensation`. */
  readonly history: PositionHistory | null;
}

/** A world that plays a battle: the built-in components, systems and rules. */
export type BattleWorld = EngineWorld & BattleContext;

/** Options of `createBattleWorld`. */
export interface BattleWorldOptions extends WorldOptions<BattleWorld> {
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
