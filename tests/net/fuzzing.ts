// Seeded junk for the fuzz suites (fuzz-codec, fuzz-parser, fuzz-socket): random values of every
// shape Socket.IO can carry (JSON, binary, nesting, extra arguments), mutations of valid bytes and
// text, and an oracle that says whether the server must accept a message (written apart from
// net/server/validate.ts, except that input bytes are judged by the wire's own `decodeInput`, so
// a change to their rules touches net/wire alone). Each suite counts its own cases. Past 250 lines because it is one
// toolbox whose generators share tables (numbers, strings, keys) and feed one another.
import type { Rng } from '../../engine';
import { CodecError, decodeInput, encodeInput, INPUT_BYTES } from '../../net';

/** Seed of every fuzz suite (FUZZ_SEED to vary it); failure messages name it, so a case replays. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

/** Bytes as hex, for failure messages. */
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Cases one suite ran, by kind. */
export class CaseCount {
  private readonly cases: Record<string, number> = {};

  constructor(private readonly suite: string) {}

  /** Adds `n` cases of `what`. */
  add(what: string, n: number): void {
    this.cases[what] = (this.cases[what] ?? 0) + n;
  }

  /** Cases so far, all kinds; printed by kind under FUZZ_VERBOSE. */
  total(): number {
    const total = Object.values(this.cases).reduce((n, c) => n + c, 0);
    if (process.env.FUZZ_VERBOSE) console.log(`\n  ${this.suite} cases (seed ${FUZZ_SEED}): ${JSON.stringify(this.cases)}, total ${total}`);
    return total;
  }
}

/** One of `items`, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** True with probability `p`. */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** A size in [0, max], skewed small: most junk is short, some is as large as allowed. */
export function size(rng: Rng, max: number): number {
  const r = rng.next();
  if (r < 0.6) return rng.int(Math.min(max, 16) + 1);
  if (r < 0.9) return rng.int(Math.min(max, 256) + 1);
  return rng.int(max + 1);
}

/** `n` random bytes. */
export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

/** An integer field of an encoding (a length, a count) that mutations may overwrite. */
export interface IntField {
  at: number;
  bytes: 1 | 2 | 4;
}

const INTERESTING_INTS = [0, 1, 2, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/**
 * Applies 1–3 random mutations to a copy of `bytes`: bit flips, byte overwrites, inserts,
 * deletes, truncation, extension, a duplicated or swapped slice, or an integer field (`fields`)
 * set to an edge value.
 */
export function mutateBytes(rng: Rng, bytes: Uint8Array, fields: readonly IntField[] = []): Uint8Array {
  let out: Uint8Array = Uint8Array.from(bytes);
  const rounds = 1 + rng.int(3);
  for (let k = 0; k < rounds; k++) {
    const n = out.length;
    switch (rng.int(fields.length > 0 ? 10 : 9)) {
      case 0:
        if (n > 0) out[rng.int(n)]! ^= 1 << rng.int(8);
        break;
      case 1:
        if (n > 0) out[rng.int(n)] = pick(rng, [0, 0x7f, 0x80, 0xff, rng.int(256)]);
        break;
      case 2: {
        const at = rng.int(n + 1);
        const extra = randomBytes(rng, 1 + rng.int(4));
        out = concat(out.subarray(0, at), extra, out.subarray(at));
        break;
      }
      case 3: {
        if (n === 0) break;
        const at = rng.int(n);
        out = concat(out.subarray(0, at), out.subarray(Math.min(n, at + 1 + rng.int(4))));
        break;
      }
      case 4:
        out = out.slice(0, rng.int(n + 1));
        break;
      case 5:
        out = concat(out, randomBytes(rng, 1 + rng.int(8)));
        break;
      case 6: {
        if (n === 0) break;
        const a = rng.int(n);
        const b = a + rng.int(n - a + 1);
        const at = rng.int(n + 1);
        out = concat(out.subarray(0, at), out.slice(a, b), out.subarray(at));
        break;
      }
      case 7: {
        if (n < 2) break;
        const a = rng.int(n);
        const b = rng.int(n);
        const t = out[a]!;
        out[a] = out[b]!;
        out[b] = t;
        break;
      }
      case 8:
        if (n > 0) out.fill(pick(rng, [0, 0xff]), rng.int(n));
        break;
      default: {
        const field = pick(rng, fields);
        if (field.at + field.bytes > out.length) break;
        const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
        const value = chance(rng, 0.7) ? pick(rng, INTERESTING_INTS) : rng.int(2 ** 32);
        if (field.bytes === 1) view.setUint8(field.at, value & 0xff);
        else if (field.bytes === 2) view.setUint16(field.at, value & 0xffff);
        else view.setUint32(field.at, value >>> 0);
      }
    }
  }
  return out;
}

/** Concatenates byte arrays into a fresh one. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `bytes` copied into the middle of a larger random buffer: a pooled Node Buffer's situation. */
export function pooled(rng: Rng, bytes: Uint8Array): Uint8Array {
  const before = rng.int(64);
  const pool = randomBytes(rng, before + bytes.length + rng.int(64));
  pool.set(bytes, before);
  return pool.subarray(before, before + bytes.length);
}

const TEXT_SPICE = ['[', ']', '{', '}', '"', ',', ':', '-', '/', '0', '1', '9', 'e', '.', '\\', ' ', '\u0000', '\ud800', 'é', '✓', '_placeholder', 'true', 'null', '1e999'];

/** Applies 1–3 text mutations (char flips, inserts of JSON-ish spice, deletes, truncation, duplication). */
export function mutateText(rng: Rng, text: string): string {
  let out = text;
  const rounds = 1 + rng.int(3);
  for (let k = 0; k < rounds; k++) {
    const n = out.length;
    const at = rng.int(n + 1);
    switch (rng.int(6)) {
      case 0:
        if (n > 0) out = out.slice(0, at) + String.fromCharCode(out.charCodeAt(Math.min(at, n - 1)) ^ (1 << rng.int(7))) + out.slice(at + 1);
        break;
      case 1:
        out = out.slice(0, at) + pick(rng, TEXT_SPICE) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + rng.int(4));
        break;
      case 3:
        out = out.slice(0, at);
        break;
      case 4: {
        const b = at + rng.int(n - at + 1);
        out = out.slice(0, at) + out.slice(at, b) + out.slice(at);
        break;
      }
      default:
        out = out.slice(0, at) + String(pick(rng, INTERESTING_INTS)) + out.slice(at);
    }
  }
  return out;
}

const NUMBERS = [
  0, -0, 1, -1, 0.5, 7, 100, 1e6, -1e6, 1e6 + 1, -1e6 - 1, 1e15, 1e15 + 1, 1e308, -1e308, Number.MIN_VALUE,
  Number.EPSILON, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER + 2, Number.NaN,
  Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
];
const STRINGS = [
  '', ' ', 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '1', '-0', 'null', 'undefined', 'true', '__proto__',
  'constructor', 'prototype', 'toString', 'x', 'y', 'hp', '\u0000', '\ud800', '✓ ünï', '{"x":1,"y":2}', '[]',
];
const KEYS = ['x', 'y', 'hp', 'seq', 'attack', '__proto__', 'constructor', 'prototype', 'toString', 'length', '0', ''];

/** Options of the random value generator. */
export interface ValueOptions {
  /** Largest binary value in bytes. */
  maxBinary: number;
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** JSON only: no binary anywhere. */
  json?: boolean;
}

/** A random value: any JSON shape, special numbers, odd strings, binary of every kind and size. */
export function randomValue(rng: Rng, options: ValueOptions, depth = 0): unknown {
  const leafOnly = depth >= options.maxDepth;
  switch (rng.int(leafOnly ? 7 : 11)) {
    case 0:
      return chance(rng, 0.6) ? pick(rng, NUMBERS) : rng.range(-2e6, 2e6);
    case 1:
      return chance(rng, 0.8) ? pick(rng, STRINGS) : pick(rng, ['A', 'é', '\ud83d\ude00', '"']).repeat(size(rng, 4000));
    case 2:
      return pick(rng, [true, false, null, undefined]);
    case 3:
      return options.json ? rng.range(-1, 1) : binary(rng, size(rng, options.maxBinary));
    case 4:
      return rng.int(2 ** 31);
    case 5:
      // socket.io-parser's binary encoder cannot copy a Date; keep them out of packets with binary.
      return options.json ? String(new Date(rng.int(2 ** 41))) : new Date(rng.int(2 ** 41));
    case 6:
      // Deep nesting, the cheap way to make recursive code pay.
      return nested(rng, 20 + rng.int(200));
    case 7:
    case 8: {
      const out: unknown[] = [];
      for (let i = size(rng, 8); i > 0; i--) out.push(randomValue(rng, options, depth + 1));
      return out;
    }
    default: {
      const out: Record<string, unknown> = {};
      for (let i = size(rng, 6); i > 0; i--) {
        const key = chance(rng, 0.8) ? pick(rng, KEYS) : String(rng.int(1e6));
        own(out, key, randomValue(rng, options, depth + 1));
      }
      return out;
    }
  }
}

/** Sets an own property, even "__proto__" (as JSON.parse on the server makes it), never the prototype. */
function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function nested(rng: Rng, depth: number): unknown {
  let value: unknown = chance(rng, 0.5) ? 1 : { x: 1, y: 2 };
  for (let i = 0; i < depth; i++) value = chance(rng, 0.5) ? [value] : { x: value };
  return value;
}

/** Binary of `n` bytes as one of the kinds Socket.IO sends as attachments. */
export function binary(rng: Rng, n: number): unknown {
  const bytes = randomBytes(rng, n);
  switch (rng.int(5)) {
    case 0:
      return bytes;
    case 1:
      return bytes.buffer;
    case 2:
      return Buffer.from(bytes);
    case 3:
      return new DataView(bytes.buffer);
    default:
      return new Float64Array(bytes.buffer.slice(0, n - (n % 8)));
  }
}

/** A valid delta-protocol input's bytes. */
export function validInputBytes(rng: Rng): Uint8Array {
  return encodeInput({ seq: rng.int(2 ** 32), mx: rng.range(-1, 1), my: rng.range(-1, 1), attack: chance(rng, 0.2) });
}

/** A valid classic `move` payload. */
export function validMove(rng: Rng): { x: number; y: number } {
  return { x: rng.range(-50, 150), y: rng.range(-50, 150) };
}

/** A message a client may send: event name, arguments, and whether it asks for an ack. */
export interface Message {
  name: unknown;
  args: unknown[];
  ack: boolean;
}

/** What a fuzzing client sends: valid messages, mutated ones, random ones, unknown names. */
export function randomMessage(rng: Rng, options: ValueOptions): Message {
  const roll = rng.next();
  const any = (): unknown => randomValue(rng, options);
  if (roll < 0.2) {
    // Valid.
    switch (rng.int(4)) {
      case 0:
        return { name: 'i', args: [validInputBytes(rng)], ack: chance(rng, 0.1) };
      case 1:
        return { name: 't', args: [rng.range(0, 1e12)], ack: true };
      case 2:
        return { name: 'move', args: [validMove(rng)], ack: chance(rng, 0.1) };
      default:
        return { name: 'attack', args: chance(rng, 0.5) ? [{}] : [], ack: chance(rng, 0.1) };
    }
  }
  if (roll < 0.6) {
    // A known name with a mutated payload.
    switch (rng.int(4)) {
      case 0: {
        const args: unknown[] = [chance(rng, 0.8) ? mutateBytes(rng, validInputBytes(rng)) : binary(rng, INPUT_BYTES)];
        if (chance(rng, 0.2)) args.push(any());
        return { name: 'i', args, ack: chance(rng, 0.2) };
      }
      case 1: {
        const args = [chance(rng, 0.5) ? pick(rng, NUMBERS) : any()];
        if (chance(rng, 0.3)) args.push(any());
        return { name: 't', args, ack: chance(rng, 0.7) };
      }
      case 2: {
        const move: Record<string, unknown> = validMove(rng);
        const what = rng.int(5);
        if (what === 0) move[pick(rng, ['x', 'y'])] = any();
        else if (what === 1) own(move, pick(rng, KEYS), any());
        else if (what === 2) delete move[pick(rng, ['x', 'y'])];
        else if (what === 3) move[pick(rng, ['x', 'y'])] = pick(rng, NUMBERS);
        else move[pick(rng, ['x', 'y'])] = String(move.x);
        const args: unknown[] = [move];
        if (chance(rng, 0.2)) args.push(any());
        return { name: 'move', args, ack: chance(rng, 0.2) };
      }
      default:
        return { name: 'attack', args: [any(), ...(chance(rng, 0.2) ? [any()] : [])], ack: chance(rng, 0.2) };
    }
  }
  if (roll < 0.85) {
    const args: unknown[] = [];
    for (let i = size(rng, 4); i > 0; i--) args.push(any());
    return { name: pick(rng, ['i', 't', 'move', 'attack']), args, ack: chance(rng, 0.3) };
  }
  // Unknown names: others' events, near misses, numbers, long strings.
  const name = chance(rng, 0.15)
    ? rng.int(1000)
    : pick(rng, ['s', 'ev', 'welcome', 'shutdown', 'error', 'new_player', 'player_moved', 'Move', 'move ', 'i\u0000', 'position', 'set_hp', '__proto__', 'x'.repeat(1 + rng.int(200))]);
  const args: unknown[] = [];
  for (let i = size(rng, 3); i > 0; i--) args.push(any());
  return { name, args, ack: chance(rng, 0.3) };
}

/** Names of the events the server handles. */
const KNOWN = new Set(['i', 't', 'move', 'attack']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const coordOk = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e6;

/** Whether the wire reads `bytes` as one input; it refuses anything else with a CodecError. */
function decodes(bytes: Uint8Array): boolean {
  try {
    decodeInput(bytes);
    return true;
  } catch (error) {
    if (error instanceof CodecError) return false;
    throw error;
  }
}

/**
 * Whether the server must accept a message as it arrived there (event name and arguments after
 * Socket.IO decoding, ack function last when asked for): the protocol contract, restated.
 */
export function shouldAccept(name: unknown, args: readonly unknown[]): boolean {
  if (typeof name !== 'string' || !KNOWN.has(name)) return false;
  const [first, second] = args;
  switch (name) {
    case 'i':
      return first instanceof Uint8Array && decodes(first);
    case 't':
      return typeof first === 'number' && Number.isFinite(first) && first >= 0 && first <= 1e15 && typeof second === 'function';
    case 'move':
      return isPlainObject(first) && Object.keys(first).length === 2 && coordOk(first.x) && coordOk(first.y);
    default:
      return first === undefined || first === null || typeof first === 'function' || (isPlainObject(first) && Object.keys(first).length === 0);
  }
}
