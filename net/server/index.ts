// Skirmish net server: the authoritative Socket.IO server, its match, sessions, replication with
// interest management, the classic JSON adapter, admission and abuse limits. Node only.

export { createServer } from './server';
export type { ServerOptions, GameServer } from './server';

export { createMatch } from './match';
export type { Match, MatchOptions, MatchStats } from './match';
export type { Session, SessionKind, GameSocket, GameNamespace } from './session';

export { createLogger } from './logger';
export type { Logger } from './logger';
export { createStaticHandler } from './static';
export { createMetrics } from './metrics';
export type { ServerMetrics } from './metrics';
export { createBroadcaster, defaultInterest } from './broadcast';
export type { InterestOptions, Broadcaster } from './broadcast';
export { createRecordReader } from './records';
export type { RecordReader } from './records';
export { defaultLimits, createGuard, TokenBucket } from './limits';
export type { RateLimits, Guard } from './limits';
export { checkMove, checkAttack, checkInput, checkTime } from './validate';
export type { Checked } from './validate';
