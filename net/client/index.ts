// Skirmish net client: the connection to a server, its clock, the mirror world, prediction,
// interpolation and the network conditioner. Browser-safe: no Node built-ins, no server code.

export { createClient } from './client';
export type { GameClient, ClientOptions, ClientEvents } from './client';
export type { ConnectionStatus, ClientSocket } from './connection';
export { matchmake, MatchmakeError } from './matchmake';
export type { MatchmakeRequest, MatchmakeAnswer, PlayerPlacement } from './matchmake';

export {
  createMirrorWorld, applyState, mirrorPositionAt, latestPosition, entityOf, clearMirror, removeMirrored, HISTORY_TICKS,
} from './mirror';
export type { MirrorWorld, MirrorContext, MirrorSim, AppliedChanges } from './mirror';

export { createClockSync } from './clock';
export type { ClockSync } from './clock';
export { createSmoother } from './smoothing';
export type { Smoother } from './smoothing';
export { createDelayEstimator } from './delay';
export type { DelayEstimator } from './delay';
export { createConditioner } from './conditioner';
export type { Conditioner, ConditionerOptions, ConditionerScheduler, ConditionerStats, LinkConditions } from './conditioner';
export { conditionParser } from './conditioned-parser';
export type { ConditionedParserOptions, ParserModule, ParserDecoder } from './conditioned-parser';
