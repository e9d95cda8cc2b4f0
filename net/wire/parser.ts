// A Socket.IO parser that sends every packet as ONE engine.io message (one WebSocket frame).
// JSON-only packets are encoded exactly as socket.io-parser encodes them, so plain clients with
// the default parser keep working; packets with binary arguments become one binary frame
// (see frame.ts; docs/protocol.md specifies it) instead of a text placeholder plus one frame per attachment,
// except the input event `i`, which goes bare: a kind byte and its bytes, below the packet layer.
// The decoder reads both: default-format packets (text, plus attachments) and one-frame packets;
// binary arguments of a one-frame packet arrive as Uint8Array copies (in Node and browsers alike).
// Browser-safe: no Node built-ins. Use it as `new Server(http, { parser })` / `io(url, { parser })`
// with `import * as parser from './parser'`.
import {
  Decoder as DefaultDecoder, Encoder as DefaultEncoder, PacketType, protocol as defaultProtocol,
  type DecoderOptions, type Packet,
} from 'socket.io-parser';
import { decodeFrame, encodeFrame, isBinaryArg, ParserError } from './frame';
import { DeltaEvents } from './protocol';
import { isStateKind } from './state';

// Bare messages, below Socket.IO's packet layer (docs/protocol.md), told apart by their first
// byte from one-frame packets (0xB2, 0xB3); a default-format attachment only ever follows its
// placeholder. A state message's kind byte (0x10…0x1F, state.ts) opens a bare state message;
// BARE_INPUT opens a bare input message, the `i` event's bytes after it.
const BARE_INPUT = 3;

export { ParserError, FRAME_MAGIC } from './frame';
export type { Packet } from 'socket.io-parser';

/** Socket.IO protocol version spoken: the same as socket.io-parser's, whose packets we read and write. */
export const protocol: number = defaultProtocol;

/** JSON replacer / reviver, as socket.io-parser takes them. */
/** A JSON.stringify replacer or JSON.parse reviver, as Socket.IO passes them to a parser. */
export type JsonHook = (this: unknown, key: string, value: unknown) => unknown;

/** Options of the Decoder: socket.io-parser's (`reviver`, `maxAttachments`, default 10). */
export type ParserDecoderOptions = DecoderOptions;

/**
 * Encodes packets: JSON-only ones as the default text format, the input event as a bare input
 * message, other ones with binary as one binary frame.
 */
export class Encoder {
  private readonly text: DefaultEncoder;

  constructor(private readonly replacer?: JsonHook) {
    this.text = new DefaultEncoder(replacer as ConstructorParameters<typeof DefaultEncoder>[0]);
  }

  /**
   * Encodes one packet as exactly one engine.io message (a string or a Uint8Array).
   * @throws ParserError if binary is nested inside an argument, is a Blob, or is the event name.
   */
  encode(packet: Packet): (string | Uint8Array)[] {
    const bare = bareInput(packet);
    if (bare !== undefined) return [bare];
    if ((packet.type === PacketType.EVENT || packet.type === PacketType.ACK) && Array.isArray(packet.data)) {
      const slots = binarySlots(packet.data);
      if (slots.length > 0) return [encodeFrame(packet, slots, this.replacer)];
      // socket.io-parser's text format, written here to spare its second scan for binary.
      let text = String(packet.type);
      if (packet.nsp && packet.nsp !== '/') text += packet.nsp + ',';
      if (packet.id !== undefined && packet.id !== null) text += packet.id;
      return [text + JSON.stringify(packet.data, this.replacer as (key: string, value: unknown) => unknown)];
    }
    return this.text.encode(packet) as string[];
  }
}

/**
 * Decodes engine.io messages into packets, emitting `decoded`. Text messages and the attachments
 * announced by a default-format binary placeholder go through socket.io-parser; any other binary
 * message must be a one-frame packet. Malformed input throws (Socket.IO then closes that
 * connection) and leaves the decoder clean.
 */
export class Decoder extends DefaultDecoder {
  /** Attachments still expected by a default-format binary packet. */
  private awaiting = 0;
  private readonly maxAttachments: number;
  private readonly reviver: JsonHook | undefined;

  constructor(opts?: ParserDecoderOptions | JsonHook) {
    super(opts as ConstructorParameters<typeof DefaultDecoder>[0]);
    const options: ParserDecoderOptions = typeof opts === 'function' ? { reviver: opts } : (opts ?? {});
    this.maxAttachments = options.maxAttachments ?? 10;
    this.reviver = options.reviver as JsonHook | undefined;
  }

  /**
   * Decodes one engine.io message.
   * @throws on malformed input; the decoder is reset, as the connection is closed anyway.
   */
  override add(obj: unknown): void {
    try {
      if (typeof obj === 'string') {
        super.add(obj);
        // socket.io-parser accepted it, so a binary placeholder's count parses as it did there.
        const type = obj.charCodeAt(0) - 48;
        if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
          this.awaiting = Number(obj.substring(1, obj.indexOf('-')));
        }
        return;
      }
      if (this.awaiting > 0) {
        // An attachment of a default-format packet: socket.io-parser keeps the buffer as is.
        if (toBytes(obj) === undefined) throw new ParserError(`attachment must be binary, got ${describe(obj)}`);
        this.awaiting--;
        super.add(obj);
        return;
      }
      const bytes = toBytes(obj);
      if (bytes === undefined) throw new ParserError(`unsupported message type ${describe(obj)}`);
      if (bytes.length > 0 && isStateKind(bytes[0]!)) {
        // A bare state message: the `s` event of namespace '/', written below Socket.IO to spare
        // a packet header on the most frequent message there is (docs/protocol.md).
        this.emitReserved('decoded', { type: PacketType.EVENT, nsp: '/', data: [DeltaEvents.state, bytes.slice()] });
        return;
      }
      if (bytes.length > 0 && bytes[0] === BARE_INPUT) {
        // A bare input message: the `i` event of namespace '/', the other way (docs/protocol.md).
        this.emitReserved('decoded', { type: PacketType.EVENT, nsp: '/', data: [DeltaEvents.input, bytes.slice(1)] });
        return;
      }
      const packet = decodeFrame(bytes, this.maxAttachments, this.reviver);
      this.emitReserved('decoded', packet);
    } catch (error) {
      this.destroy();
      // One error type for every malformed input, whatever layer noticed it (socket.io-parser's
      // own errors, or a RangeError from its recursion over absurdly nested placeholders).
      throw error instanceof ParserError ? error : new ParserError(`malformed packet: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Drops a half-received default-format packet. */
  override destroy(): void {
    this.awaiting = 0;
    super.destroy();
  }
}

/**
 * The `i` event of namespace '/' with one binary argument and no ack, as a bare input message
 * (BARE_INPUT, then the argument's bytes); undefined for any other packet. Inputs are what a
 * client sends most: a bare one is 12 bytes instead of 19, and the server reads it without the
 * one-frame decoder.
 */
function bareInput(packet: Packet): Uint8Array | undefined {
  if (packet.type !== PacketType.EVENT || (packet.nsp && packet.nsp !== '/') || (packet.id !== undefined && packet.id !== null)) return undefined;
  const data = packet.data as unknown[];
  if (!Array.isArray(data) || data.length !== 2 || data[0] !== DeltaEvents.input || !isBinaryArg(data[1])) return undefined;
  const bytes = toBytes(data[1])!;
  const out = new Uint8Array(1 + bytes.length);
  out[0] = BARE_INPUT;
  out.set(bytes, 1);
  return out;
}

/** Indices of the top-level binary arguments of `args`. @throws ParserError on nested binary or Blob. */
function binarySlots(args: readonly unknown[]): number[] {
  const slots: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (isBinaryArg(arg)) slots.push(i);
    else if (isBlob(arg)) throw new ParserError(`argument ${i} is a Blob; send an ArrayBuffer or Uint8Array`);
    else if (typeof arg === 'object' && arg !== null && containsBinary(arg, 0)) {
      throw new ParserError(`argument ${i} has binary nested inside it; pass binary as a top-level argument`);
    }
  }
  return slots;
}

/** True if binary hides anywhere inside `value` (what the default parser would split off). */
function containsBinary(value: object, depth: number): boolean {
  // Deeper than JSON sensibly goes: leave it to JSON.stringify, which rejects cycles itself.
  if (depth > 64) return false;
  if (isBinaryArg(value) || isBlob(value)) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && containsBinary(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && containsBinary(item, depth + 1)) return true;
  }
  return false;
}

function isBlob(value: unknown): boolean {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

/** The exact bytes of a binary message: Node gives a Buffer that may view a larger pool. */
function toBytes(obj: unknown): Uint8Array | undefined {
  if (obj instanceof ArrayBuffer) return new Uint8Array(obj);
  if (ArrayBuffer.isView(obj)) return new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength);
  return undefined;
}

function describe(obj: unknown): string {
  if (obj === null) return 'null';
  if (typeof obj !== 'object') return typeof obj;
  return (obj as object).constructor?.name ?? 'object';
}
