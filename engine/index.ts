// Skirmish engine: a bitECS 0.4 simulation with fixed ticks, injected time and seeded randomness.
// Knows nothing of sockets, the DOM or Three.js.

export { createWorld, step, emit } from './world';
export type { EngineWorld, EngineEvent, System, WorldOptions, WorldTime } from './world';

export { defineComponent, defineTag, getStore, resetStore } from './component';
export type { ComponentDef, AnyComponentDef, FieldType, Schema, Store, StoreHost } from './component';

export { createRng } from './rng';
export type { Rng } from './rng';

export { createScheduler } from './scheduler';
export type { Scheduler, SchedulerOptions } from './scheduler';

export { Position, Health, Input, Cooldown, Dead, Score, NetId, Player, Offline, LocalPlayer, LastAttack } from './components';

export { validateRules } from './rules';
export type { BattleRules } from './rules';

export { createBattleWorld } from './create-battle-world';
export type { BattleWorldOptions } from './create-battle-world';
export type { BattleWorld, BattleContext } from './battle';

export { spawnPlayer, despawnPlayer, setOffline, isAlive } from './player';
export { setJournal, journalOf } from './journal';
export type { InputStoreValues, WorldJournal } from './journal';
export type { SpawnOptions } from './player';

export { queueInput, MAX_QUEUED_INPUTS } from './input';
export type { InputCommand, InputQueues } from './input';
// The one shape of "what a player wants now" that keyboards, bots and clients produce.
export type { InputIntent } from './intent';

export { battleSystems, inputSystem, movementSystem, combatSystem, respawnSystem, syncSystem } from './systems';
export { Changed } from './systems/sync';
export type { SyncState } from './sync-state';

export type { BattleEvent, SpawnEvent, DespawnEvent, HitEvent, KillEvent, AttackEvent, RespawnEvent } from './events';

// The bitECS calls systems need, so an embedding game depends on one engine version, not two.
export { query, addEntity, removeEntity, addComponent, removeComponent, hasComponent, entityExists, Not, Or, And } from './ecs';

// Spatial index (combat's `world.grid`; the network layer builds its own from the same functions
// for interest management) and lag compensation.
export { createSpatialGrid, rebuild, queryRadius, queryRect, rebuildGrid, spatialSystem } from './spatial';
export type { SpatialGrid } from './spatial';
export { createPositionHistory, recordPosition, positionAt } from './history';
export type { PositionHistory } from './history';
export { historySystem } from './systems/history';
export { lagCompensationOf } from './rules';
export { stepMotion, reckonMotion, quantizeAxis, axisLevel, axisOfLevel, AXIS_LEVELS } from './motion';
export type { MotionOut } from './motion';

// The engine's version, which replays record (`skirmish/replay` exports it too).
export { ENGINE_VERSION } from './version';
// Deterministic replay is its own entry, `skirmish/replay` (engine/replay/index.ts): its hashes
// need two xxHash32 packages, and this entry loads nothing but bitecs.
