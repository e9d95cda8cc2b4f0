// Skirmish engine: a bitECS 0.4 simulation with fixed ticks, injected time and seeded randomness.
// Knows nothing of sockets, the DOM or Three.js.

export { createWorld, step, emit } from './world';
export type { EngineWorld, EngineEvent, System, WorldOptions, WorldTime } from './world';

export { defineComponent, defineTag, getStore, resetStore } from './component';
export type { ComponentDef, AnyComponentDef, FieldType, Schema, Store } from './component';

export { createRng } from './rng';
export type { Rng } from './rng';

export { createScheduler } from './scheduler';
export type { Scheduler, SchedulerOptions } from './scheduler';

export { Position, Velocity, Health, Input, Cooldown, Dead, Score, NetId, Player, Offline, LocalPlayer, LastAttack } from './components';

export { validateRules } from './rules';
export type { BattleRules } from './rules';

export { createBattleWorld } from './battle';
export type { BattleWorld, BattleContext, BattleWorldOptions } from './battle';

export { spawnPlayer, despawnPlayer, isAlive } from './player';
export type { SpawnOptions } from './player';

export { queueInput, MAX_QUEUED_INPUTS } from './input';
export type { InputCommand, InputQueues } from './input';

export { battleSystems, inputSystem, movementSystem, combatSystem, respawnSystem, syncSystem } from './systems';
export { Changed } from './systems/sync';
export type { SyncState } from './systems/sync';

export type { BattleEvent, SpawnEvent, DespawnEvent, HitEvent, KillEvent, AttackEvent, RespawnEvent } from './events';

// The bitECS calls systems need, so an embedding game depends on one engine version, not two.
export { query, addEntity, removeEntity, addComponent, removeComponent, hasComponent, entityExists, Not, Or, And } from 'bitecs';

// Spatial index (shared by combat and interest management) and lag compensation.
export { createSpatialGrid, rebuild, queryRadius, queryRect, rebuildGrid, spatialSystem } from './spatial';
export type { SpatialGrid } from './spatial';
export { createPositionHistory, recordPosition, positionAt } from './history';
export type { PositionHistory } from './history';
export { historySystem } from './systems/history';
export { lagCompensationOf } from './rules';
export { stepMotion, reckonMotion, quantizeAxis, axisLevel, axisOfLevel, AXIS_LEVELS } from './motion';
export type { MotionOut } from './motion';
export type { InputIntent } from './intent';
