// Input messages, client → server: 11 bytes per command (docs/protocol.md, "Input message").
import { axisLevel, axisOfLevel } from '../../engine';
import { CodecError } from './bytes';

/** An input command as it crosses the wire. */
export interface WireInput {
  /** Sequence number chosen by the client (wraps at 2^32); echoed back as the state's `ack`. */
  seq: number;
  /** Direction, each axis in [−1, 1], sent as one of 255 levels (`quantizeAxis`). */
  mx: number;
  my: number;
  attack: boolean;
  /**
   * Server time in MILLISECONDS of the world the player was looking at when it pressed attack:
   * the server rewinds targets to it (lag compensation), within a cap. 0 = now. (The engine's
   * `InputCommand.viewTimeS` is the same instant in seconds.)
   */
  viewTimeMs?: number;
}

/** Size in bytes of an encoded input. */
export const INPUT_BYTES = 11;

/** Encodes an input command: seq u32, mx i8, my i8, buttons u8, viewTimeMs u32, big-endian. */
export function encodeInput(input: WireInput): Uint8Array {
  const out = new Uint8Array(INPUT_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, input.seq >>> 0);
  v.setInt8(4, axisLevel(input.mx));
  v.setInt8(5, axisLevel(input.my));
  v.setUint8(6, input.attack ? 1 : 0);
  v.setUint32(7, Math.max(0, Math.min(0xffffffff, Math.round(input.viewTimeMs ?? 0))));
  return out;
}

/**
 * Decodes an input command. Axes come out as the exact Float32 values the server simulates with.
 * @throws CodecError unless `bytes` is exactly one well-formed input.
 */
export function decodeInput(bytes: Uint8Array): WireInput {
  if (bytes.byteLength !== INPUT_BYTES) throw new CodecError(`input must be ${INPUT_BYTES} bytes, got ${bytes.byteLength}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mx = v.getInt8(4);
  const my = v.getInt8(5);
  const buttons = v.getUint8(6);
  if (mx === -128 || my === -128) throw new CodecError('input direction out of range');
  if (buttons > 1) throw new CodecError(`input has unknown button bits ${buttons}`);
  return { seq: v.getUint32(0), mx: axisOfLevel(mx), my: axisOfLevel(my), attack: buttons === 1, viewTimeMs: v.getUint32(7) };
}
