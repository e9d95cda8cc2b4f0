// The one-frame binary packet of net/wire/parser.ts: a compact header, the JSON of the non-binary
// arguments, then the binary arguments' bytes, all in one engine.io message. Specified in
// docs/protocol.md ("One-frame packets"). One format, its encoder and its decoder side by side,
// so the file runs past 250 lines rather than split one layout across two files.
//
//   u8      FRAME_MAGIC | type         type: 2 EVENT or 3 ACK (the only packets that carry data)
//   u8      flags                      1: namespace, 2: ack id, 4: event name; other bits 0
//   [str]   namespace                  if flag 1 (absent means '/')
//   [uint]  ack id                     if flag 2 (required for ACK)
//   [str]   event name                 if flag 4 (EVENT whose name is a string)
//   uint    n                          binary arguments, 1..maxAttachments
//   n ×     uint index, uint length    index in the packet's data array, strictly increasing
//   str     JSON array of the other arguments, in order ('' when there are none)
//   n ×     bytes                      the binary arguments, back to back, to the frame's end
//
// uint is unsigned LEB128 (at most 8 bytes, at most 2^53 − 1); str is a uint byte length + UTF-8.
// Every length is checked against the bytes actually left before anything is allocated.
import { isPacketValid, PacketType, type Packet } from 'socket.io-parser';

/** High nibble of a one-frame packet's first byte (the low nibble is the packet type). */
export const FRAME_MAGIC = 0xb0;

const FLAG_NSP = 1;
const FLAG_ID = 2;
const FLAG_NAME = 4;
const MAX_VARINT_BYTES = 8;

/** A malformed packet, or one this parser cannot encode. */
export class ParserError extends Error {
  constructor(message: string) {
    super(`Skirmish parser: ${message}`);
    this.name = 'ParserError';
  }
}

/** True for what travels as a binary argument: ArrayBuffer, Buffer, Uint8Array, any ArrayBuffer view. */
export function isBinaryArg(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function viewOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

// Frames are carved out of shared 64 KiB slabs, as Node's Buffer pool does: `new Uint8Array(n)`
// costs ~0.6 µs for n > 64 (more than the rest of an encode), a view of a slab ~0.05 µs. A slab
// is never written twice: it is dropped when full and collected once its frames are sent.
const SLAB_BYTES = 64 * 1024;
let slab: ArrayBuffer | undefined;
let slabAt = 0;

function allocate(size: number): Uint8Array {
  if (size > SLAB_BYTES / 8) return new Uint8Array(size);
  if (slab === undefined || slabAt + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabAt = 0;
  }
  const out = new Uint8Array(slab, slabAt, size);
  slabAt += (size + 7) & ~7; // keep views 8-byte aligned, as Buffer's pool does
  return out;
}

/** UTF-8 length of `text` as TextEncoder writes it (a lone surrogate becomes 3-byte U+FFFD). */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2; // a pair: 2 UTF-16 units, 4 bytes
      i++;
    } else length += 2;
  }
  return length;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeUint(out: Uint8Array, at: number, value: number): number {
  while (value >= 128) {
    out[at++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** Writes `text`, whose UTF-8 length is `length`; ASCII directly, as TextEncoder costs more on short strings. */
function writeText(out: Uint8Array, at: number, text: string, length: number): number {
  if (length === text.length) for (let i = 0; i < length; i++) out[at + i] = text.charCodeAt(i);
  else utf8.encodeInto(text, out.subarray(at, at + length));
  return at + length;
}

/**
 * Encodes an EVENT or ACK whose data has binary at the top-level `slots` as one frame.
 * @throws ParserError if the event name is binary or the ack id is not a safe non-negative integer.
 */
export function encodeFrame(packet: Packet, slots: readonly number[], replacer?: (this: unknown, key: string, value: unknown) => unknown): Uint8Array {
  const data = packet.data as unknown[];
  const isEvent = packet.type === PacketType.EVENT;
  if (isEvent && slots[0] === 0) throw new ParserError('the event name cannot be binary');
  const id = packet.id;
  if (id !== undefined && id !== null && !(Number.isSafeInteger(id) && id >= 0)) throw new ParserError(`bad ack id ${String(id)}`);
  const hasId = id !== undefined && id !== null;
  const nsp = packet.nsp && packet.nsp !== '/' ? packet.nsp : undefined;
  const name = isEvent && typeof data[0] === 'string' ? data[0] : undefined;
  const nspLength = nsp === undefined ? 0 : utf8Length(nsp);
  const nameLength = name === undefined ? 0 : utf8Length(name);

  let json = '';
  const blobs: Uint8Array[] = [];
  if (data.length - slots.length > (name === undefined ? 0 : 1)) {
    const rest: unknown[] = [];
    for (let i = name === undefined ? 0 : 1, s = 0; i < data.length; i++) {
      if (slots[s] === i) s++;
      else rest.push(data[i]);
    }
    json = JSON.stringify(rest, replacer as (key: string, value: unknown) => unknown);
  }
  for (const slot of slots) blobs.push(viewOf(data[slot] as ArrayBuffer | ArrayBufferView));
  const jsonLength = utf8Length(json);

  let size = 2 + varintSize(blobs.length) + varintSize(jsonLength) + jsonLength;
  if (nsp !== undefined) size += varintSize(nspLength) + nspLength;
  if (hasId) size += varintSize(id);
  if (name !== undefined) size += varintSize(nameLength) + nameLength;
  for (let s = 0; s < blobs.length; s++) size += varintSize(slots[s]!) + varintSize(blobs[s]!.length) + blobs[s]!.length;

  // Fresh bytes per packet: a broadcast hands the same frame to every socket's async write.
  const out = allocate(size);
  let at = 0;
  out[at++] = FRAME_MAGIC | packet.type;
  out[at++] = (nsp !== undefined ? FLAG_NSP : 0) | (hasId ? FLAG_ID : 0) | (name !== undefined ? FLAG_NAME : 0);
  if (nsp !== undefined) at = writeText(out, writeUint(out, at, nspLength), nsp, nspLength);
  if (hasId) at = writeUint(out, at, id);
  if (name !== undefined) at = writeText(out, writeUint(out, at, nameLength), name, nameLength);
  at = writeUint(out, at, blobs.length);
  for (let s = 0; s < blobs.length; s++) at = writeUint(out, writeUint(out, at, slots[s]!), blobs[s]!.length);
  at = writeText(out, writeUint(out, at, jsonLength), json, jsonLength);
  // Copies the exact bytes of each view (a Node Buffer may view a shared pool).
  for (const blob of blobs) {
    out.set(blob, at);
    at += blob.length;
  }
  return out;
}

/** Reads a frame front to back; every read is bounds-checked. */
class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.at;
  }

  u8(what: string): number {
    if (this.at >= this.bytes.length) throw new ParserError(`truncated frame: no ${what}`);
    return this.bytes[this.at++]!;
  }

  /** `what` + `suffix` names the field in errors; joined only then, as this runs per field. */
  uint(what: string, suffix = ''): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const byte = this.u8(what);
      value += (byte & 127) * scale;
      if (byte < 128) {
        if (!Number.isSafeInteger(value)) throw new ParserError(`${what}${suffix} ${value} is too large`);
        if (i > 0 && byte === 0) throw new ParserError(`${what}${suffix} is not minimally encoded`);
        return value;
      }
      scale *= 128;
    }
    throw new ParserError(`${what}${suffix} is longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /** A byte length, which cannot exceed what is left of the frame. */
  length(what: string): number {
    const length = this.uint(what, ' length');
    if (length > this.left) throw new ParserError(`${what} length ${length} exceeds the ${this.left} bytes left`);
    return length;
  }

  str(what: string): string {
    return this.text(this.length(what), what);
  }

  /** The next `length` bytes as strict UTF-8. */
  text(length: number, what: string): string {
    const view = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    try {
      return strictUtf8.decode(view);
    } catch {
      throw new ParserError(`${what} is not valid UTF-8`);
    }
  }

  /** A copy of the next `length` bytes, so the packet owns its data and not a view of the frame. */
  copy(length: number): Uint8Array {
    const out = new Uint8Array(length);
    out.set(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return out;
  }
}

/**
 * Decodes one frame into an EVENT or ACK packet; binary arguments come out as Uint8Array copies.
 * @throws ParserError on anything malformed, including invalid packets (reserved event names…).
 */
export function decodeFrame(bytes: Uint8Array, maxAttachments: number, reviver?: (this: unknown, key: string, value: unknown) => unknown): Packet {
  const r = new Reader(bytes);
  const first = r.u8('packet type');
  if ((first & 0xf0) !== FRAME_MAGIC) throw new ParserError(`not a one-frame packet: first byte 0x${first.toString(16)}`);
  const type = first & 0x0f;
  if (type !== PacketType.EVENT && type !== PacketType.ACK) throw new ParserError(`packet type ${type} cannot carry binary`);
  const flags = r.u8('flags');
  if (flags & ~(FLAG_NSP | FLAG_ID | FLAG_NAME)) throw new ParserError(`unknown flags 0x${flags.toString(16)}`);
  const nsp = flags & FLAG_NSP ? r.str('namespace') : '/';
  if (!nsp.startsWith('/')) throw new ParserError(`namespace ${JSON.stringify(nsp.slice(0, 32))} does not start with /`);
  const id = flags & FLAG_ID ? r.uint('ack id') : undefined;
  if (type === PacketType.ACK && id === undefined) throw new ParserError('ACK without an ack id');
  if (flags & FLAG_NAME && type !== PacketType.EVENT) throw new ParserError('an ACK has no event name');
  const name = flags & FLAG_NAME ? r.str('event name') : undefined;

  const count = r.uint('binary count');
  if (count < 1 || count > maxAttachments) throw new ParserError(`binary count ${count} outside 1..${maxAttachments}`);
  const slots: number[] = [];
  const lengths: number[] = [];
  let total = 0;
  for (let s = 0; s < count; s++) {
    const index = r.uint('binary index');
    if (s > 0 && index <= slots[s - 1]!) throw new ParserError('binary indices must increase');
    const length = r.length('binary');
    total += length;
    if (total > r.left) throw new ParserError(`binary lengths add up to ${total}, more than the ${r.left} bytes left`);
    slots.push(index);
    lengths.push(length);
  }
  const jsonLength = r.length('JSON');
  let rest: unknown[] = [];
  if (jsonLength > 0) {
    const text = r.text(jsonLength, 'JSON');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
    } catch {
      throw new ParserError('arguments are not valid JSON');
    }
    if (!Array.isArray(parsed)) throw new ParserError('arguments are not a JSON array');
    rest = parsed;
  }
  if (r.left !== total) throw new ParserError(`binary lengths add up to ${total}, but ${r.left} bytes are left`);

  const size = (name === undefined ? 0 : 1) + rest.length + count;
  if (slots[count - 1]! >= size) throw new ParserError(`binary index ${slots[count - 1]} outside ${size} arguments`);
  if (name !== undefined && slots[0] === 0) throw new ParserError('the event name cannot be binary');
  const data: unknown[] = new Array(size);
  let next = 0;
  let s = 0;
  for (let i = 0; i < size; i++) {
    if (i === 0 && name !== undefined) data[0] = name;
    else if (slots[s] === i) data[i] = r.copy(lengths[s++]!);
    else data[i] = rest[next++];
  }
  const packet: Packet = id === undefined ? { type, nsp, data } : { type, nsp, data, id };
  if (!isPacketValid(packet)) throw new ParserError(`invalid ${type === PacketType.EVENT ? 'EVENT' : 'ACK'} (reserved or missing event name?)`);
  return packet;
}
