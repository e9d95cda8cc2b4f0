// The engine protocol's binary codec. State messages carry, per entity, only what dead reckoning
// cannot infer: direction changes, position corrections (exact Float32), health, score, life and
// presence, plus the tick's hits and kills. Deltas are relative to the previous message on the
// same connection (Socket.IO runs on TCP: a message is delivered, in order, or the link dies).
import { ByteReader, ByteWriter, CodecError } from './bytes';

export { CodecError };

/** Bits of an entity record's mask. */
export const Field = {
  /** New walking direction (two signed bytes, the exact values the server simulates with). */
  direction: 1,
  /** Exact position: dead reckoning would be wrong (spawn, respawn, seek, teleport). */
  position: 2,
  health: 4,
  score: 8,
  /** Dead / offline flags. */
  state: 16,
  /** Attacked this tick. */
  attack: 32,
  /** First sight of the entity: every field, plus max health. */
  enter: 64,
} as const;
const KNOWN_FIELDS = 127;

/** One entity's replicated fields; only those named in `mask` are present. */
export interface EntityRecord {
  id: number;
  mask: number;
  mx?: number;
  my?: number;
  x?: number;
  y?: number;
  hp?: number;
  max?: number;
  kills?: number;
  deaths?: number;
  dead?: boolean;
  offline?: boolean;
}

/** A decoded state message. */
export interface StateMessage {
  /** A full message replaces the mirror: it lists every entity the client can see. */
  full: boolean;
  tick: number;
  /** Last input sequence number of the receiving client the server has applied. */
  ack: number;
  entities: EntityRecord[];
  /** NetIds gone from view (left the game or out of sight). */
  removed: number[];
  /** [attacker, victim] NetIds of this tick's hits. */
  hits: [number, number][];
  /** [attacker, victim] NetIds of this tick's kills. */
  kills: [number, number][];
}

/** Message kinds (first byte of a state message). */
export const StateKind = { full: 1, delta: 2 } as const;

// Health travels in hundredths: exact for the game's whole numbers, two bytes for 100 hp.
const HP_SCALE = 100;

/** Direction axis (a Float32 in [−1, 1] that came off the wire) → its signed byte. */
const axisCode = (v: number): number => Math.round(v * 127);
const axisValue = (code: number): number => Math.fround(code / 127);

/**
 * Appends one entity record. With `Field.enter` every field is written whatever the other bits.
 * Fields the mask names must be present in `r`.
 */
export function writeRecord(w: ByteWriter, r: Required<EntityRecord>): void {
  const mask = r.mask & Field.enter ? KNOWN_FIELDS : r.mask;
  w.varint(r.id);
  w.u8(mask);
  if (mask & Field.direction) {
    w.i8(axisCode(r.mx));
    w.i8(axisCode(r.my));
  }
  if (mask & Field.position) {
    w.f32(r.x);
    w.f32(r.y);
  }
  if (mask & Field.health) w.varint(Math.round(Math.max(0, r.hp) * HP_SCALE));
  if (mask & Field.enter) w.varint(Math.round(Math.max(0, r.max) * HP_SCALE));
  if (mask & Field.score) {
    w.varint(r.kills);
    w.varint(r.deaths);
  }
  if (mask & Field.state) w.u8((r.dead ? 1 : 0) | (r.offline ? 2 : 0));
}

/** Where the previous message on a connection left tick and ack: deltas are relative to it. */
export interface StreamPosition {
  tick: number;
  ack: number;
}

/** Writes a message header. A full message carries absolute values; a delta, steps from `prev`. */
export function writeHeader(w: ByteWriter, full: boolean, tick: number, ack: number, prev: StreamPosition): void {
  w.u8(full ? StateKind.full : StateKind.delta);
  if (full) {
    w.u32(tick);
    w.u32(ack);
  } else {
    w.varint(tick - prev.tick);
    w.varint((ack - prev.ack) >>> 0);
  }
}

/** Appends a list of NetIds. */
export function writeIds(w: ByteWriter, ids: readonly number[]): void {
  w.varint(ids.length);
  for (const id of ids) w.varint(id);
}

/** Appends a list of [attacker, victim] pairs. */
export function writePairs(w: ByteWriter, pairs: readonly (readonly [number, number])[]): void {
  w.varint(pairs.length);
  for (const [a, b] of pairs) {
    w.varint(a);
    w.varint(b);
  }
}

/**
 * Decodes a state message. `prev` is where the previous message left the stream (ignored for a
 * full message); the caller keeps the returned tick and ack for the next one.
 * @throws CodecError on truncated, trailing or otherwise malformed bytes.
 */
export function decodeState(bytes: Uint8Array, prev: StreamPosition): StateMessage {
  const r = new ByteReader(bytes);
  const kind = r.u8();
  if (kind !== StateKind.full && kind !== StateKind.delta) throw new CodecError(`unknown state kind ${kind}`);
  const full = kind === StateKind.full;
  let tick: number;
  let ack: number;
  if (full) {
    tick = r.u32();
    ack = r.u32();
  } else {
    const step = r.varint();
    if (step === 0) throw new CodecError('delta does not advance the tick');
    tick = prev.tick + step;
    ack = (prev.ack + r.varint()) >>> 0;
  }
  const count = r.count(2);
  const entities: EntityRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const rec: EntityRecord = { id: r.varint(), mask: r.u8() };
    const m = rec.mask;
    if (m & ~KNOWN_FIELDS) throw new CodecError(`entity ${rec.id}: unknown field bits ${m}`);
    if (m & Field.enter && m !== KNOWN_FIELDS) throw new CodecError(`entity ${rec.id}: enter record without every field`);
    if (m & Field.direction) {
      const cx = r.i8();
      const cy = r.i8();
      if (cx === -128 || cy === -128) throw new CodecError(`entity ${rec.id}: direction out of range`);
      rec.mx = axisValue(cx);
      rec.my = axisValue(cy);
    }
    if (m & Field.position) {
      rec.x = r.f32();
      rec.y = r.f32();
    }
    if (m & Field.health) rec.hp = r.varint() / HP_SCALE;
    if (m & Field.enter) rec.max = r.varint() / HP_SCALE;
    if (m & Field.score) {
      rec.kills = r.varint();
      rec.deaths = r.varint();
    }
    if (m & Field.state) {
      const bits = r.u8();
      if (bits > 3) throw new CodecError(`entity ${rec.id}: state bits ${bits}`);
      rec.dead = (bits & 1) === 1;
      rec.offline = (bits & 2) === 2;
    }
    entities[i] = rec;
  }
  const removed = new Array<number>(r.count(1));
  for (let i = 0; i < removed.length; i++) removed[i] = r.varint();
  const pairs = (): [number, number][] => {
    const out = new Array<[number, number]>(r.count(2));
    for (let i = 0; i < out.length; i++) out[i] = [r.varint(), r.varint()];
    return out;
  };
  const hits = pairs();
  const kills = pairs();
  if (r.remaining !== 0) throw new CodecError(`state has ${r.remaining} trailing bytes`);
  return { full, tick, ack, entities, removed, hits, kills };
}

/** An input command as it crosses the wire. */
export interface WireInput {
  seq: number;
  /** Direction, each axis in [-1, 1] (sent with 1/127 resolution). */
  mx: number;
  my: number;
  attack: boolean;
  /**
   * Server time (ms) of the world the player was looking at when it pressed attack: the server
   * rewinds targets to it (lag compensation), within a cap. 0 = now.
   */
  viewTime?: number;
}

/** Size in bytes of an encoded input. */
export const INPUT_BYTES = 11;

/** Encodes an input command in 11 bytes: seq u32, mx i8, my i8, buttons u8, viewTime u32 (ms). */
export function encodeInput(input: WireInput): Uint8Array {
  const out = new Uint8Array(INPUT_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, input.seq >>> 0);
  v.setInt8(4, Math.round(Math.max(-1, Math.min(1, input.mx)) * 127));
  v.setInt8(5, Math.round(Math.max(-1, Math.min(1, input.my)) * 127));
  v.setUint8(6, input.attack ? 1 : 0);
  v.setUint32(7, Math.max(0, Math.min(0xffffffff, Math.round(input.viewTime ?? 0))));
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
  return { seq: v.getUint32(0), mx: axisValue(mx), my: axisValue(my), attack: buttons === 1, viewTime: v.getUint32(7) };
}
