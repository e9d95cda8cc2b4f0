// The browser-safe half of net/: client, mirror world, codec, protocol, validation.
// No Node built-ins here, so esbuild can bundle it for the page.

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
