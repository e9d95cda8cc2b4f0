// What a battle world is, as types only. Systems and helpers import `BattleWorld` from here;
// `createBattleWorld` (which imports the systems) lives in create-battle-world.ts so that
// nothing here depends on the modules that depend on it.
import type { EngineWorld } from './world';
import type { BattleRules } from './rules';
import type { SpatialGrid } from './spatial';
import type { PositionHistory } from './history';
import type { InputQueues } from './input';
import type { SyncState } from './sync-state';

/** Context a battle world carries on top of the engine's. */
export interface BattleContext {
  /** The rules this battle plays by, validated at creation. */
  readonly rules: BattleRules;
  /** Commands waiting for the next tick, per player entity. */
  readonly inputs: InputQueues;
  /** What the network-sync system found changed in the last tick. */
  readonly sync: SyncState;
  /** Next NetId to hand out; never reused. */
  nextNetId: number;
  /**
   * Living players by end-of-movement position, rebuilt each tick by `spatialSystem` for combat;
   * query it after `step`. Players respawned during a tick enter it at the next.
   */
  readonly grid: SpatialGrid;
  /** Recent positions for lag compensation (`positionAt`); null without `rules.lagCompensation`. */
  readonly history: PositionHistory | null;
}

/** A world that plays a battle: the built-in components, systems and rules. */
export type BattleWorld = EngineWorld & BattleContext;
