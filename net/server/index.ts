// Skirmish net server: the authoritative Socket.IO server, its match, sessions, replication with
// interest management, the classic JSON adapter, admission and abuse limits. Node only.
// Exported: what embedders and tests use, and the types of what a GameServer exposes.

export { createServer } from './server';
export type { ServerOptions, GameServer } from './server';

export type { Match, MatchStats, MatchRecording } from './match';
export { roundTimer, scoreLimit } from './matches';
export type { MatchType, MatchHooks, MatchEnd, HostedMatch } from './matches';
// The registry a server matchmakes through (`ServerOptions.cluster`); implementations live in net/cluster.
export type {
  Registry, RegistryStats, WorkerInfo, WorkerView, MatchInfo, Seat, PlaceRequest, Placement, ClaimResult,
} from '../cluster/registry';
export type { Sessions } from './sessions';
export type { Session, SessionKind, Replication, GameSocket, GameNamespace, Viewer } from './session';
export { NO_ENTITY } from './session';
export { DEFAULT_SPECTATOR_CAP } from './spectators';
export type { Spectators } from './spectators';

export { createLogger } from './logger';
export type { Logger } from './logger';
export type { ServerMetrics } from './metrics';
export { createStaticHandler } from './static';
export { createRecordingStore, recordingFromEnv } from './recordings';
export type { RecordingOptions, RecordingEntry, RecordingFile, RecordingStore } from './recordings';
export { createBroadcaster, defaultInterest } from './broadcast';
export type { InterestOptions, Broadcaster, BroadcastStats } from './broadcast';
export { createOutbox, binaryFrame } from './outbox';
export type { Outbox, WriteMode } from './outbox';
export { createRecordReader } from './records';
export type { RecordReader } from './records';
export type { RateLimits, Guard, Verdict } from './limits';
export { checkAttack } from './validate';
export type { Checked } from './validate';
