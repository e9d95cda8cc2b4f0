// The browser-safe half of net/: client, mirror world, codec, protocol, validation.
// No Node built-ins here, so esbuild can bundle it for the page.

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
export * as parser from './parser';
export { ByteWriter, ByteReader } from './bytes';

export { writeRecord, writeHeader, writeIds, writePairs, decodeState, encodeInput, decodeInput, CodecError, Field, StateKind, INPUT_BYTES } from './codec';
export type { StateMessage, EntityRecord, WireInput, StreamPosition } from './codec';

export { checkMove, checkAttack, checkInput, checkTime } from './validate';
export type { Checked } from './validate';

export { PROTOCOL_VERSION, EngineEvents, ClassicEvents, ErrorCodes } from './protocol';
export type {
  ClientToServerEvents, ServerToClientEvents, Welcome, WireEvent, ErrorPayload, ErrorCode, ClassicPosition, EngineAuth,
} from './protocol';
