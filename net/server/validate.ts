// The edge: every payload a client sends is checked here before anything else sees it.
import { z } from 'zod';
import { CodecError, decodeInput, type WireInput } from '../wire';

/** The result of checking one payload: the value, or why it was refused. */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

// Coordinates beyond this are absurd on any map: refuse rather than clamp silently.
const MAX_COORD = 1e6;
const coord = z.number().min(-MAX_COORD).max(MAX_COORD);

const moveSchema = z.strictObject({ x: coord, y: coord });
const timeSchema = z.number().min(0).max(1e15);

function fromZod<T>(result: z.ZodSafeParseResult<T>): Checked<T> {
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') + ': ' : '';
  return { ok: false, message: where + issue.message };
}

/** Checks a classic `move` payload: `{x, y}` finite numbers of sane size, nothing else. */
export function checkMove(payload: unknown): Checked<{ x: number; y: number }> {
  return fromZod(moveSchema.safeParse(payload));
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Checks a classic `attack` payload: nothing, or `{}`. */
export function checkAttack(payload: unknown): Checked<null> {
  // A plain empty object only: zod's strictObject({}) would also take an ArrayBuffer, a Map or a
  // Date (objects without enumerable keys), which are not what the protocol says.
  const empty = typeof payload === 'object' && payload !== null && isPlainObject(payload) && Object.keys(payload).length === 0;
  if (payload === undefined || payload === null || empty) return { ok: true, value: null };
  return { ok: false, message: 'attack takes no payload, or {}' };
}

/** Checks a clock probe: the client's clock reading, a non-negative number. */
export function checkTime(payload: unknown): Checked<number> {
  return fromZod(timeSchema.safeParse(payload));
}

/**
 * Checks and decodes a binary input. Socket.IO hands Node a Buffer that may view a larger pool,
 * so the codec reads through the view's own offset and length.
 */
export function checkInput(payload: unknown): Checked<WireInput> {
  if (!(payload instanceof Uint8Array)) return { ok: false, message: 'input must be binary' };
  try {
    return { ok: true, value: decodeInput(payload) };
  } catch (error) {
    if (error instanceof CodecError) return { ok: false, message: error.message };
    throw error;
  }
}
