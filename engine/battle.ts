import { createWorld, type EngineWorld, type WorldOptions } from './world';
import type { BattleRules } from './rules';
import { validateRules } from './rules';
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
}

/** A world that plays a battle: the built-in components, systems and rules. */
export type BattleWorld = EngineWorld & BattleContext;

/** Options of `createBattleWorld`. */
export interface BattleWorldOptions extends WorldOptions<BattleWorld> {
  rules: BattleRules;
}

/**
 * Creates a battle world running `battleSystems` (input → movement → combat → respawn → sync)
 * unless `systems` is given. Pass `systems: [...battleSystems, mySystem]` to extend it.
 * @throws if the rules are invalid.
 */
export function createBattleWorld(options: BattleWorldOptions): BattleWorld {
  validateRules(options.rules);
  const capacity = options.capacity ?? 4096;
  return createWorld<BattleContext>(
    { ...options, capacity, systems: options.systems ?? [...battleSystems] },
    { rules: options.rules, inputs: new Map(), sync: createSyncState(capacity), nextNetId: 1 },
  );
}
