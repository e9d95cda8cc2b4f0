// Fuzz of the wire codec, bounded and seeded (FUZZ_SEED to vary it): valid state and input
// messages round-trip; random, truncated and mutated ones decode to well-formed values or throw
// CodecError, quickly. A failure message names the seed and the case's bytes, so it replays.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createRng, quantizeAxis, type Rng } from '../../engine';
import {
  CodecError, decodeInput, decodeState, encodeInput, INPUT_BYTES, StateEncoder,
  type EntityRecord, type StateMessage, type StreamPosition,
} from '../../net';
import { rules } from '../rules';
import {
  CaseCount, chance, FUZZ_SEED, hex, mutateBytes, pooled, randomBytes, size, type IntField,
} from './fuzzing';

const cases = new CaseCount('codec fuzz');
const FuzzCodec = suite('fuzz: codec');
const MAP = rules.map;
const encoder = new StateEncoder();

/** A valid record of random content; every value one the wire carries exactly, so it round-trips as is. */
function validRecord(rng: Rng): EntityRecord {
  const id = chance(rng, 0.9) ? 1 + rng.int(5000) : rng.int(2 ** 32);
  const direction = (): Partial<EntityRecord> => ({ mx: quantizeAxis(rng.range(-1, 1)), my: quantizeAxis(rng.range(-1, 1)) });
  const position = (): Partial<EntityRecord> => ({ x: Math.fround(rng.range(0, MAP.width)), y: Math.fround(rng.range(0, MAP.height)) });
  const score = (): Partial<EntityRecord> => ({ kills: rng.int(1000), deaths: rng.int(1000) });
  const state = (): Partial<EntityRecord> => ({ dead: chance(rng, 0.2), offline: chance(rng, 0.1) });
  // A motion: a direction, or (protocol 3) a seek target.
  const motion = (): Partial<EntityRecord> => (chance(rng, 0.3) ? { tx: Math.fround(rng.range(0, MAP.width)), ty: Math.fround(rng.range(0, MAP.height)) } : direction());
  if (chance(rng, 0.2)) {
    return { id, enter: true, attacked: false, ...motion(), ...position(), hp: rng.int(101), max: 100, ...score(), ...state() };
  }
  const groups = rng.int(32);
  const r: EntityRecord = { id, enter: false, attacked: chance(rng, 0.1) };
  if (groups & 1) Object.assign(r, motion());
  if (groups & 2) Object.assign(r, position());
  if (groups & 4) r.hp = rng.int(101);
  if (groups & 8) Object.assign(r, score());
  if (groups & 16) Object.assign(r, state());
  return r;
}

/**
 * A valid state message, made by the wire's encoder, and where mutations are worth aiming: the
 * header's integers, the record count, each record's first bytes and the removed count.
 */
function validState(rng: Rng): { bytes: Uint8Array; prev: StreamPosition; expected: StateMessage; fields: IntField[] } {
  const full = chance(rng, 0.3);
  const prev = { tick: rng.int(1e6), ack: rng.int(2 ** 32) };
  const tick = full ? rng.int(2 ** 32) : prev.tick + 1 + rng.int(300);
  const ack = chance(rng, 0.5) ? prev.ack : rng.int(2 ** 32);
  encoder.begin(full, tick, ack, prev);
  const fields: IntField[] = full ? [{ at: 1, bytes: 4 }, { at: 5, bytes: 4 }] : [{ at: 1, bytes: 1 }, { at: 2, bytes: 1 }];
  fields.push({ at: encoder.byteLength - 1, bytes: 1 });
  const entities: EntityRecord[] = [];
  for (let i = size(rng, 40); i > 0; i--) {
    const r = validRecord(rng);
    fields.push({ at: encoder.byteLength, bytes: 1 });
    encoder.record(r);
    entities.push(r);
  }
  const ids = (k: number): number[] => Array.from({ length: k }, () => 1 + rng.int(100_000));
  const pairs = (k: number): [number, number][] => Array.from({ length: k }, () => [1 + rng.int(5000), 1 + rng.int(5000)]);
  const removed = full ? [] : ids(size(rng, 10));
  const hits = pairs(size(rng, 6));
  const kills = pairs(size(rng, 3));
  fields.push({ at: encoder.byteLength, bytes: 1 });
  const bytes = encoder.finish(removed, hits, kills);
  return { bytes, prev, expected: { full, tick: full ? tick >>> 0 : tick, ack: ack >>> 0, entities, removed, hits, kills }, fields };
}

const isUint = (v: unknown, max = 2 ** 32 - 1): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const PAIRS = [['mx', 'my'], ['tx', 'ty'], ['x', 'y'], ['kills', 'deaths'], ['dead', 'offline']] as const;
const FIELDS = ['x', 'y', 'hp', 'max', 'kills', 'deaths', 'dead', 'offline'] as const;

/** Why a decoded record is not well-formed, or undefined. */
function recordProblem(r: EntityRecord): string | undefined {
  if (r === undefined || !isUint(r.id) || typeof r.enter !== 'boolean' || typeof r.attacked !== 'boolean') return 'record id/flags';
  for (const [a, b] of PAIRS) if ((r[a] === undefined) !== (r[b] === undefined)) return `record ${r.id}: ${a} without ${b}`;
  if (r.mx !== undefined && r.tx !== undefined) return `record ${r.id}: two motions`;
  if (r.enter && (r.attacked || FIELDS.some((k) => r[k] === undefined) || (r.mx === undefined && r.tx === undefined))) return `record ${r.id}: enter record incomplete or attacking`;
  if (!r.enter && r.max !== undefined) return `record ${r.id}: max outside an enter record`;
  for (const k of ['mx', 'my', 'tx', 'ty', 'x', 'y', 'hp', 'max'] as const) if (r[k] !== undefined && !finite(r[k])) return `record ${r.id}: ${k} = ${r[k]}`;
  if (r.mx !== undefined && (Math.abs(r.mx) > 1 || Math.abs(r.my!) > 1)) return `record ${r.id}: direction out of range`;
  if ((r.hp !== undefined && r.hp < 0) || (r.max !== undefined && r.max < 0)) return `record ${r.id}: negative health`;
  if (r.kills !== undefined && (!isUint(r.kills) || !isUint(r.deaths))) return `record ${r.id}: score`;
  if (r.dead !== undefined && (typeof r.dead !== 'boolean' || typeof r.offline !== 'boolean')) return `record ${r.id}: state`;
  return undefined;
}

/** Why a decoded state message is not well-formed, or undefined. */
function stateProblem(m: StateMessage): string | undefined {
  if (typeof m.full !== 'boolean' || !isUint(m.tick, Number.MAX_SAFE_INTEGER) || !isUint(m.ack)) return 'header';
  for (const r of m.entities) {
    const bad = recordProblem(r);
    if (bad !== undefined) return bad;
  }
  if (!m.removed.every((id) => isUint(id))) return 'removed ids';
  for (const list of [m.hits, m.kills]) if (!list.every((p) => p.length === 2 && isUint(p[0]) && isUint(p[1]))) return 'pairs';
  return undefined;
}

/** The fastest of three runs of `run`, in ms. */
function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    try {
      run();
    } catch {
      // Only the time matters here.
    }
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Runs `decode` on `bytes`; a result must pass `problem`, a throw must be a CodecError. Returns 'ok' | 'refused'. */
function expectCodec<T>(what: string, bytes: Uint8Array, decode: (b: Uint8Array) => T, problem: (v: T) => string | undefined): 'ok' | 'refused' {
  let value: T;
  const started = performance.now();
  try {
    value = decode(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) assert.unreachable(`${what}: ${String(error)} is not a CodecError (seed ${FUZZ_SEED}, bytes ${hex(bytes)})`);
    return 'refused';
  } finally {
    // A slow case is timed again: a lone GC pause or JIT compile is not a hang.
    if (performance.now() - started > 20 && fastest(() => decode(bytes)) > 20) {
      assert.unreachable(`${what}: decoding takes over 20 ms (seed ${FUZZ_SEED}, bytes ${hex(bytes)})`);
    }
  }
  const bad = problem(value);
  if (bad !== undefined) assert.unreachable(`${what}: decoded to a malformed value (${bad}) (seed ${FUZZ_SEED}, bytes ${hex(bytes)})`);
  return 'ok';
}

FuzzCodec('decodeState: valid messages round-trip; random, truncated and mutated ones decode well-formed or throw CodecError', () => {
  const rng = createRng(FUZZ_SEED);
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < 50_000; i++) {
    const { bytes, prev, expected, fields } = validState(rng);
    const decode = (b: Uint8Array): StateMessage => decodeState(b, prev);
    if (i % 10 === 0) {
      // Valid, and read through a view into a bigger pool, as Node hands binary over.
      assert.equal(decode(pooled(rng, bytes)), expected, `round trip (seed ${FUZZ_SEED}, case ${i})`);
      ok++;
      continue;
    }
    const roll = rng.int(10);
    const input = roll === 0 ? randomBytes(rng, size(rng, 300)) : roll === 1 ? bytes.subarray(0, rng.int(bytes.length)) : mutateBytes(rng, bytes, fields);
    if (expectCodec(`decodeState case ${i}`, pooled(rng, input), decode, stateProblem) === 'ok') ok++;
    else refused++;
  }
  cases.add('decodeState', ok + refused);
  assert.ok(refused > 20_000 && ok > 5_000, `both outcomes exercised: ${ok} ok, ${refused} refused`);
});

FuzzCodec('decodeInput: every valid input round-trips; random and mutated ones decode in range or throw CodecError', () => {
  const rng = createRng(FUZZ_SEED + 1);
  let ok = 0;
  let refused = 0;
  const problem = (v: ReturnType<typeof decodeInput>): string | undefined =>
    !isUint(v.seq) ? 'seq' : !finite(v.mx) || !finite(v.my) || Math.abs(v.mx) > 1 || Math.abs(v.my) > 1 ? 'direction'
      : typeof v.attack !== 'boolean' ? 'attack' : v.viewTimeMs !== undefined && !isUint(v.viewTimeMs) ? 'viewTimeMs' : undefined;
  for (let i = 0; i < 20_000; i++) {
    const input = { seq: rng.int(2 ** 32), mx: rng.range(-1, 1), my: rng.range(-1, 1), attack: chance(rng, 0.5), viewTimeMs: rng.int(2 ** 32) };
    const valid = encodeInput(input);
    const roll = rng.int(8);
    const bytes = roll === 0 ? valid : roll === 1 ? randomBytes(rng, size(rng, 32)) : roll === 2 ? randomBytes(rng, INPUT_BYTES) : mutateBytes(rng, valid, [{ at: 0, bytes: 4 }, { at: 7, bytes: 4 }]);
    const view = pooled(rng, bytes);
    if (expectCodec(`decodeInput case ${i}`, view, decodeInput, problem) === 'ok') {
      ok++;
      // The pooled view and a copy of its bytes decode alike: the decoder honours byteOffset.
      assert.equal(decodeInput(view), decodeInput(Uint8Array.from(bytes)), `offset (seed ${FUZZ_SEED}, case ${i})`);
    } else refused++;
    if (roll === 0) {
      // What the encoder wrote reads back as sent, directions at their quantized levels.
      const expected = { ...input, mx: quantizeAxis(input.mx), my: quantizeAxis(input.my) };
      assert.equal(decodeInput(view), expected, `round trip (seed ${FUZZ_SEED}, case ${i})`);
    }
  }
  cases.add('decodeInput', ok + refused);
  assert.ok(refused > 5_000 && ok > 5_000, `both outcomes exercised: ${ok} ok, ${refused} refused`);
});

FuzzCodec('at least 70,000 cases', () => {
  const total = cases.total();
  assert.ok(total >= 70_000, `${total} cases`);
});

FuzzCodec.run();
