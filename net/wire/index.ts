// Skirmish wire: every byte that crosses the network is written and read here, and nowhere else.
// The formats are specified byte by byte in docs/protocol.md. Browser-safe: no Node built-ins.

/** The Socket.IO parser: one WebSocket frame per binary message, the default format for JSON. */
export * as parser from './parser';
export { ParserError, FRAME_MAGIC } from './frame';

export { ByteWriter, ByteReader, CodecError } from './bytes';

export { writeRecord, writeHeader, writeIds, writePairs, decodeState, encodeInput, decodeInput, Field, StateKind, INPUT_BYTES } from './codec';
export type { StateMessage, EntityRecord, WireInput, StreamPosition } from './codec';

export { PROTOCOL_VERSION, EngineEvents, ClassicEvents, ErrorCodes } from './protocol';
export type {
  ClientToServerEvents, ServerToClientEvents, Welcome, WireEvent, ErrorPayload, ErrorCode, ClassicPosition, EngineAuth,
} from './protocol';
