// Skirmish net client: the connection to a server, its clock, the mirror world, prediction,
// interpolation and the network conditioner. Browser-safe: no Node built-ins, no server code.

export { createClient } from './client';
export type { GameClient, ClientOptions, ClientEvents, ConnectionStatus } from './client';

export { createMirrorWorld, applyState, positionAt, entityOf, clearMirror, removeMirrored, HISTORY_TICKS } from './mirror';
export type { MirrorWorld, MirrorContext, MirrorSim, AppliedChanges } from './mirror';

export { createClockSync } from './clock';
export type { ClockSync } from './clock';
export { createSmoother } from './smoothing';
export type { Smoother } from './smoothing';
export { createDelayEstimator } from './delay';
export type { DelayEstimator } from './delay';
export { createConditioner, parseConditions, conditionParser } from './conditioner';
export type { Conditioner, ConditionerOptions, LinkConditions } from './conditioner';
