// Little-endian byte writing and reading for the replay format: varints, fixed-width numbers,
// UTF-8 strings. The reader throws ReplayFormatError on running past its end, so decoders need
// no bounds checks of their own.
import { ReplayFormatError } from './errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

// Room left for a block's length: a varint of up to 2^35 − 1 bytes.
const BLOCK_PREFIX_BYTES = 5;

// Bytes of `v` as an unsigned LEB128 varint.
function varintBytes(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** A copy of `array` with room for `size` elements (the recorder's per-tick scratch arrays grow by it). */
export function grownTo<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (n: number) => T)(size);
  grown.set(array);
  return grown;
}

/** A growable byte buffer written front to back. */
export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  length = 0;

  constructor(initialBytes = 1024) {
    this.bytes = new Uint8Array(initialBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.bytes[this.length++] = v;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }

  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }

  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** Unsigned LEB128 of an integer in [0, 2^53). */
  varint(v: number): void {
    this.reserve(8);
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  /** Zigzag LEB128 of a signed integer (small magnitudes, either sign, stay short). */
  zigzag(v: number): void {
    this.varint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A varint byte length, then the UTF-8 bytes. */
  string(s: string): void {
    const bytes = encoder.encode(s);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** The bytes written so far (a view, valid until the next write). */
  /**
   * Starts a block that `endBlock` prefixes with its byte length (a varint), so a record can be
   * written in place rather than into a buffer of its own and copied. Returns where it starts.
   */
  beginBlock(): number {
    this.reserve(BLOCK_PREFIX_BYTES);
    const at = this.length;
    this.length += BLOCK_PREFIX_BYTES;
    return at;
  }

  /** Ends the block begun at `at`: writes its length there and moves its bytes up against it. */
  endBlock(at: number): void {
    const start = at + BLOCK_PREFIX_BYTES;
    const n = this.length - start;
    const prefix = varintBytes(n);
    this.bytes.copyWithin(at + prefix, start, this.length);
    this.length = at;
    this.varint(n);
    this.length += n;
  }

  written(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** Reads what a ByteWriter wrote; every read past the end throws ReplayFormatError. */
export class ByteReader {
  readonly view: DataView;
  offset: number;
  readonly end: number;

  constructor(readonly bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
    this.end = end;
  }

  private need(n: number, what: string): void {
    if (this.offset + n > this.end) throw new ReplayFormatError(`${what} runs past the end of its block at byte ${this.offset}`);
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  u8(): number {
    this.need(1, 'a byte');
    return this.bytes[this.offset++]!;
  }

  u32(): number {
    this.need(4, 'a 32-bit integer');
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  f32(): number {
    this.need(4, 'a 32-bit float');
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return v;
  }

  f64(): number {
    this.need(8, 'a 64-bit float');
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      this.need(1, 'a varint');
      const b = this.bytes[this.offset++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
    throw new ReplayFormatError(`a varint longer than 8 bytes at byte ${this.offset}`);
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
  }

  raw(n: number): Uint8Array {
    this.need(n, `a block of ${n} bytes`);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  string(): string {
    const n = this.varint();
    try {
      return decoder.decode(this.raw(n));
    } catch (error) {
      if (error instanceof ReplayFormatError) throw error;
      throw new ReplayFormatError(`a string that is not UTF-8 at byte ${this.offset - n}`);
    }
  }
}
