// Skirmish wire: every byte that crosses the network is written and read here, and nowhere else.
// The formats are specified byte by byte in docs/protocol.md. Browser-safe: no Node built-ins.

/** The Socket.IO parser: one WebSocket frame per binary message, the default format for JSON. */
export * as parser from './parser';
export { ParserError, FRAME_MAGIC } from './frame';

export { CodecError, ByteWriter, ByteReader } from './bytes';

export { encodeState, decodeState, StateEncoder, EncodedRecords } from './state';
export type { StateMessage, StreamPosition } from './state';
export type { EntityRecord, EntityState } from './record';
export { encodeInput, decodeInput, INPUT_BYTES } from './input';
export type { WireInput } from './input';

export { PROTOCOL_VERSION, DeltaEvents, ClassicEvents, ErrorCodes } from './protocol';
export type {
  ClientToServerEvents, ServerToClientEvents, Welcome, WireEvent, ErrorPayload, ErrorCode, ClassicPosition, DeltaAuth, MatchEnded,
  NameEntry, ServerTickTimes,
} from './protocol';

export { cleanName, checkName, guestName, NAME_MAX_CHARS } from './names';
