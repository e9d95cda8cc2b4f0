// Skirmish net: everything that crosses the wire. Server (authoritative, Socket.IO), client
// (mirror world, clock, interpolation), the binary codec and the classic JSON protocol.

export { createServer } from './server';
export type { ServerOptions, GameServer } from './server';

export { createMatch } from './match';
export type { Match, MatchOptions, MatchStats } from './match';
export type { Session, SessionKind, GameSocket, GameNamespace } from './session';

export { createClient } from './client';
export type { GameClient, ClientOptions, ClientEvents, ConnectionStatus } from './client';

export { createMirrorWorld, applyState, interpolate, entityOf, clearMirror, removeMirrored } from './mirror';
export type { MirrorWorld, MirrorContext } from './mirror';

export { createClockSync } from './clock';
export type { ClockSync } from './clock';
export { InterpolationBuffer } from './interpolation';

export { StateWriter, frameState, decodeState, encodeInput, decodeInput, CodecError, Field, StateKind, FULL_MASK, INPUT_BYTES } from './codec';
export type { StateMessage, EntityRecord, WireInput } from './codec';

export { checkMove, checkAttack, checkInput, checkTime } from './validate';
export type { Checked } from './validate';

export { PROTOCOL_VERSION, EngineEvents, ClassicEvents, ErrorCodes } from './protocol';
export type {
  ClientToServerEvents, ServerToClientEvents, Welcome, WireEvent, ErrorPayload, ErrorCode, ClassicPosition, EngineAuth,
} from './protocol';

export { createLogger } from './logger';
export type { Logger } from './logger';
export { createStaticHandler } from './static';
