// Seeded junk for the fuzz suites (fuzz-codec, fuzz-parser, fuzz-socket): random values of every
// shape Socket.IO can carry (JSON, binary, nesting, extra arguments), mutations of valid bytes and
// text, an oracle that says whether the server must accept a message (written apart from
// net/server/validate.ts), and a fuzzing client. Each suite counts its own cases.
import { io as connect, type Socket } from 'socket.io-client';
import { PacketType } from 'socket.io-parser';
import type { Rng } from '../../engine';
import { encodeInput, INPUT_BYTES, PROTOCOL_VERSION } from '../../net';
import * as parser from '../../net/wire/parser';
import { Encoder } from '../../net/wire/parser';
import { sleep, within } from '../helpers';

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

/**
 * Whether the server must accept a message as it arrived there (event name and arguments after
 * Socket.IO decoding, ack function last when asked for): the protocol contract, restated.
 */
export function shouldAccept(name: unknown, args: readonly unknown[]): boolean {
  if (typeof name !== 'string' || !KNOWN.has(name)) return false;
  const [first, second] = args;
  switch (name) {
    case 'i': {
      if (!(first instanceof Uint8Array) || first.byteLength !== INPUT_BYTES) return false;
      const bytes = Uint8Array.from(first);
      return bytes[4] !== 0x80 && bytes[5] !== 0x80 && bytes[6]! <= 1;
    }
    case 't':
      return typeof first === 'number' && Number.isFinite(first) && first >= 0 && first <= 1e15 && typeof second === 'function';
    case 'move':
      return isPlainObject(first) && Object.keys(first).length === 2 && coordOk(first.x) && coordOk(first.y);
    default:
      return first === undefined || first === null || typeof first === 'function' || (isPlainObject(first) && Object.keys(first).length === 0);
  }
}

// ---------------------------------------------------------------------------------------------
// A fuzzing client over a real socket.

/**
 * classic: a plain Socket.IO client (default parser); engine: the delta protocol with our parser,
 * as the game's own client speaks it; mismatched: the delta protocol with the default parser (it
 * cannot read the server's one-frame state and drops itself); polling: classic over long-polling
 * only; raw: Socket.IO and engine.io packets written by hand, below the client library.
 */
export type FuzzerKind = 'classic' | 'engine' | 'mismatched' | 'polling' | 'raw';

/** What one fuzzing client did. */
export interface FuzzerResult {
  kind: FuzzerKind;
  /** Messages (cases) sent, raw packets included. */
  sent: number;
  connections: number;
  refusedHandshakes: number;
  /** Connections that ended other than by this client's own `disconnect()`. */
  closedByServer: number;
  unansweredProbes: number;
  errorReplies: number;
  /** Messages sent per connection (Socket.IO id), raw packets excluded. */
  bySid: Map<string, number>;
  /** How long it ran (ms). */
  ms: number;
}

/** Options of `runFuzzer`. */
export interface FuzzerOptions {
  url: string;
  kind: FuzzerKind;
  rng: Rng;
  /** Messages to send in all. */
  budget: number;
  values: ValueOptions;
  /**
   * After each batch, wait for a clock probe's answer: then everything sent before it has been
   * handled, and the client never outruns the server. Otherwise flood as fast as the socket drains.
   */
  flow: boolean;
  /** Largest message to send (estimated bytes); with `flow`, also at most 10 binary attachments. */
  maxBytes: number;
  /** Every socket opened is added here while open, so a failed test can close them all. */
  sockets: Set<Socket>;
  /** Set `stopped` to make the fuzzer finish early (a failed test). */
  signal: { stopped: boolean };
}

/** Rough encoded size (bytes, binary counted as long-polling's base64) and binary attachments of a value. */
export function footprint(v: unknown, out = { bytes: 0, attachments: 0 }, depth = 0): { bytes: number; attachments: number } {
  if (depth > 300) out.bytes += 1 << 20;
  else if (typeof v === 'string') out.bytes += 2 + v.length * 3;
  else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    out.bytes += 48 + Math.ceil(v.byteLength * 1.4);
    out.attachments++;
  } else if (Array.isArray(v)) {
    for (const x of v) footprint(x, out, depth + 1);
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.bytes += k.length + 4;
      footprint(x, out, depth + 1);
    }
  } else out.bytes += 24;
  return out;
}

const RAW_TEXT = [
  '2["move",{"x":80,"y":80}]', '2["attack"]', '2["attack",{}]', '2["t",5]', '21["t",5]', '2["bogus",1]', '2', '2[]', '2[42]',
  '2[null]', '2[{}]', '3', '35[1]', '3/admin,1[]', '2/admin,["x"]', '0/admin,', '0/', '1', '4"x"', '6', '9',
  '2["i",{"_placeholder":true,"num":0}]', '2["move",{"x":1e999,"y":0}]', '2["move",{"x":-0,"y":"1"}]',
  '2["__proto__",{"__proto__":{"x":1}}]', '2["move",{"__proto__":{"x":1,"y":2}}]', '2["error",{"code":"kicked"}]',
];

/**
 * Raw Socket.IO messages for one case, below the client library: text packets valid and mutated
 * (events, acks, namespace connects and disconnects), default-format binary with its attachments,
 * our one-frame binary valid and mutated, a placeholder nested thousands deep, random bytes.
 */
export function rawPackets(rng: Rng): (string | Uint8Array)[] {
  const roll = rng.int(10);
  if (roll < 4) return [pick(rng, RAW_TEXT)];
  if (roll < 7) return [mutateText(rng, pick(rng, RAW_TEXT))];
  if (roll < 8) {
    const head = chance(rng, 0.7) ? '51-["i",{"_placeholder":true,"num":0}]' : mutateText(rng, '52-["move",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    const parts: (string | Uint8Array)[] = [head];
    for (let k = rng.int(3); k >= 0; k--) parts.push(chance(rng, 0.5) ? mutateBytes(rng, validInputBytes(rng)) : randomBytes(rng, size(rng, 64)));
    return parts;
  }
  if (roll < 9) {
    const frame = new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: [pick(rng, ['i', 'move', 'x']), validInputBytes(rng)] })[0] as Uint8Array;
    return [chance(rng, 0.7) ? mutateBytes(rng, frame, [{ at: 2, bytes: 1 }, { at: 4, bytes: 1 }]) : frame];
  }
  if (chance(rng, 0.2)) {
    const depth = 5000 + rng.int(2500);
    return [`51-["x",${'['.repeat(depth)}{"_placeholder":true,"num":0}${']'.repeat(depth)}]`, new Uint8Array(4)];
  }
  return [randomBytes(rng, size(rng, 128))];
}

/**
 * Connected, as far as the wire goes. socket.io-client can miss its own 'disconnect' after a parse
 * error (the mismatched kind): its engine is closed while `connected` still says true.
 */
export const alive = (s: Socket): boolean => s.connected && s.io.engine?.readyState === 'open';

/** Opens a fuzzer's connection: now and then with a handshake the server must refuse. */
async function open(o: FuzzerOptions): Promise<{ socket: Socket; ok: boolean; junk: boolean }> {
  const { rng, kind } = o;
  const junk = chance(rng, 0.05);
  const engine = kind === 'engine' || kind === 'mismatched' || (kind === 'raw' && chance(rng, 0.5));
  const token = chance(rng, 0.3) ? { token: pick(rng, ['', 'x'.repeat(64), 'x'.repeat(65), 'made-up']) } : {};
  const auth = junk
    ? pick(rng, [{ skirmish: 'x' }, { skirmish: PROTOCOL_VERSION + 1 }, { skirmish: null }, { skirmish: -1, token: 5 }])
    : engine ? { skirmish: PROTOCOL_VERSION, ...token } : undefined;
  const socket = connect(o.url, {
    transports: kind === 'polling' ? ['polling'] : ['websocket'], reconnection: false, forceNew: true, auth,
    ...(kind === 'engine' ? { parser } : {}),
  });
  o.sockets.add(socket);
  const ok = await within(5000, new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  }), 'fuzzer connect');
  return { socket, ok, junk };
}

/** Sends a clock probe; resolves true when answered, false on disconnect or after 5 s. */
function probe(s: Socket): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.off('disconnect', gone);
      resolve(v);
    };
    const gone = (): void => done(false);
    const timer = setTimeout(() => done(false), 5000);
    s.once('disconnect', gone);
    s.emit('t', 1, () => done(true));
  });
}

/** Runs one fuzzing client, reconnecting whenever it is refused, kicked or cut, until its budget is spent. */
export async function runFuzzer(o: FuzzerOptions): Promise<FuzzerResult> {
  const { rng } = o;
  const r: FuzzerResult = {
    kind: o.kind, sent: 0, connections: 0, refusedHandshakes: 0, closedByServer: 0, unansweredProbes: 0, errorReplies: 0, bySid: new Map(), ms: 0,
  };
  const started = performance.now();
  const note = (s: Socket): void => void r.bySid.set(s.id!, (r.bySid.get(s.id!) ?? 0) + 1);
  let socket: Socket | undefined;
  while (r.sent < o.budget && !o.signal.stopped) {
    if (socket === undefined || !alive(socket)) {
      if (socket !== undefined) {
        socket.disconnect();
        o.sockets.delete(socket);
      }
      const opened = await open(o);
      socket = opened.socket;
      if (!opened.ok) {
        r.refusedHandshakes++;
        if (!opened.junk) throw new Error(`fuzzer ${o.kind}: a good handshake was refused`);
        continue;
      }
      r.connections++;
      socket.on('error', () => r.errorReplies++);
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') r.closedByServer++;
      });
    }
    const s = socket;
    // Long-polling batches what is buffered into one POST, and engine.io-client underestimates
    // base64 binary when it splits batches at maxHttpBufferSize: small batches stay under it.
    const batch = o.kind === 'polling' ? 6 : 50;
    const maxBytes = o.kind === 'polling' ? Math.min(o.maxBytes, 2000) : o.maxBytes;
    for (let k = 0; k < batch && alive(s) && r.sent < o.budget; k++) {
      if (o.kind === 'raw' && chance(rng, 0.5)) {
        if (chance(rng, 0.05)) {
          // Below Socket.IO: an engine.io packet of an unknown type, straight onto the WebSocket.
          (s.io.engine.transport as unknown as { ws?: { send(d: string): void } }).ws?.send(pick(rng, ['9', 'x', '', '4'.repeat(3)]));
        } else {
          for (const part of rawPackets(rng)) s.io.engine.send(part);
        }
        r.sent++;
        continue;
      }
      const m = randomMessage(rng, o.values);
      const args = m.ack ? [...m.args, () => undefined] : m.args;
      const fp = footprint(args);
      // Too big, or more binary than socket.io-parser's 10 attachments: the server closes such a
      // connection, which only a flood (no `flow`) wants.
      if (fp.bytes > maxBytes || (o.flow && fp.attachments > 10)) continue;
      try {
        s.emit(m.name as string, ...args);
      } catch {
        continue; // The client library cannot encode it (say, binary nested in our parser's args): not a case.
      }
      r.sent++;
      note(s);
    }
    if (!alive(s)) continue;
    if (o.flow) {
      const answered = await probe(s);
      if (alive(s) || answered) {
        r.sent++;
        note(s);
        if (!answered) r.unansweredProbes++;
      }
    } else {
      await new Promise((resolve) => setImmediate(resolve));
      const deadline = performance.now() + 3000;
      // As fast as the socket drains: wait only while the client's own buffer is backed up, and
      // give up on a connection that stops draining, as a flooder would.
      while (alive(s) && s.io.engine.writeBuffer.length > 200) {
        if (performance.now() > deadline) s.disconnect();
        await sleep(2);
      }
    }
  }
  socket?.disconnect();
  if (socket !== undefined) o.sockets.delete(socket);
  r.ms = performance.now() - started;
  return r;
}
