// Growable byte writer and bounds-checked reader with LEB128 varints: the codec's primitives.
// Internal to net/wire (only CodecError is public): nothing outside assembles bytes by hand.

/** Thrown by decoders on malformed bytes. */
export class CodecError extends Error {
  override name = 'CodecError';
}

/**
 * Appends bytes to a buffer that grows on demand; `reset()` reuses it without allocating. The
 * fixed-size writes (u8 … varint) do not check for room, so that a whole record's writes inline
 * into one function: call `ensure(n)` first for the n bytes about to be written (a varint takes
 * at most 5).
 */
export class ByteWriter {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  at = 0;

  /** Starts a new message in the same buffer. */
  reset(): this {
    this.at = 0;
    return this;
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    // Tiny, so every write inlines it; the rare growth stays out of line.
    if (this.at + extra > this.buf.length) this.grow(extra);
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + extra));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** An unsigned byte. */
  u8(v: number): void {
    this.buf[this.at++] = v;
  }

  /** A signed byte: a Uint8Array store wraps to two's complement exactly as Int8 does. */
  i8(v: number): void {
    this.buf[this.at++] = v;
  }

  /** An unsigned 32-bit integer, big-endian. */
  u32(v: number): void {
    this.view.setUint32(this.at, v >>> 0);
    this.at += 4;
  }

  /** A Float32, big-endian. */
  f32(v: number): void {
    this.view.setFloat32(this.at, v);
    this.at += 4;
  }

  /** Unsigned LEB128, up to 2^32 − 1: at most 5 bytes. */
  varint(v: number): void {
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.at++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.at++] = n;
  }

  /** Appends `src[start, end)`, making room for it. */
  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    // A record is a handful of bytes: a loop copies it without the view `subarray` would allocate.
    if (n <= 32) for (let i = 0; i < n; i++) this.buf[this.at + i] = src[start + i]!;
    else this.buf.set(src.subarray(start, end), this.at);
    this.at += n;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

/** Reads a message, throwing CodecError instead of reading past its end. */
export class ByteReader {
  private view: DataView;
  at = 0;

  constructor(private bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.at;
  }

  private need(n: number): void {
    if (this.at + n > this.bytes.byteLength) {
      throw new CodecError(`message truncated at byte ${this.at} (need ${n} more of ${this.bytes.byteLength})`);
    }
  }

  /** An unsigned byte. @throws CodecError past the end. */
  u8(): number {
    this.need(1);
    return this.bytes[this.at++]!;
  }

  /** A signed byte. @throws CodecError past the end. */
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.at++);
  }

  /** An unsigned 32-bit integer, big-endian. @throws CodecError past the end. */
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }

  /** A finite Float32, big-endian. @throws CodecError past the end or on NaN/Infinity. */
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.at);
    this.at += 4;
    if (!Number.isFinite(v)) throw new CodecError(`non-finite number at byte ${this.at - 4}`);
    return v;
  }

  /** Unsigned LEB128 of at most 5 bytes. @throws CodecError when truncated or too long. */
  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new CodecError(`varint out of range at byte ${this.at}`);
        return result;
      }
    }
    throw new CodecError(`varint too long at byte ${this.at}`);
  }

  /** A count that must fit in what is left, given each item takes at least `minBytes`. */
  count(minBytes: number): number {
    const n = this.varint();
    if (n * minBytes > this.remaining) throw new CodecError(`count ${n} exceeds the message (${this.remaining} bytes left)`);
    return n;
  }
}
