// Skirmish net: everything that crosses the wire. Server (authoritative, Socket.IO), client
// (mirror world, clock, interpolation), the binary codec and the classic JSON protocol.
// Browser code imports './browser' (the same exports minus the Node-only server).

export * from './browser';

export { createServer } from './server';
export type { ServerOptions, GameServer } from './server';

export { createMatch } from './match';
export type { Match, MatchOptions, MatchStats } from './match';
export type { Session, SessionKind, GameSocket, GameNamespace } from './session';

export { createLogger } from './logger';
export type { Logger } from './logger';
export { createStaticHandler } from './static';
export { createMetrics } from './metrics';
export { createBroadcaster, defaultInterest } from './broadcast';
export { createRecordReader } from './records';
export type { InterestOptions, Broadcaster } from './broadcast';
export { defaultLimits, createGuard, TokenBucket } from './limits';
export type { RateLimits, Guard } from './limits';
export type { ServerMetrics } from './metrics';
