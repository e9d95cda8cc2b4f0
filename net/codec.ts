// The engine protocol's binary codec: quantized positions, per-entity change masks.
import { Changed } from '../engine';

/** Bits of an entity record's mask. The first four match the engine's `Changed` bits. */
export const Field = {
  position: Changed.position,
  health: Changed.health,
  alive: Changed.alive,
  score: Changed.score,
  /** First sight of the entity: carries max health too. */
  spawn: 16,
  /** Connected or not (a dropped player is kept for a grace window). */
  presence: Changed.presence,
} as const;
const ALL_FIELDS = Field.position | Field.health | Field.alive | Field.score | Field.spawn | Field.presence;

/** Message kinds (first byte of a state message). */
export const StateKind = { full: 1, delta: 2 } as const;

/** One entity's replicated fields; only those named in `mask` are present. */
export interface EntityRecord {
  id: number;
  mask: number;
  x?: number;
  y?: number;
  hp?: number;
  max?: number;
  dead?: boolean;
  offline?: boolean;
  kills?: number;
  deaths?: number;
}

/** A decoded state message. A full one lists every entity; a delta only what changed. */
export interface StateMessage {
  full: boolean;
  tick: number;
  /** Last input sequence number of the receiving client the server has applied. */
  ack: number;
  entities: EntityRecord[];
  removed: number[];
}

/** Thrown by decoders on malformed bytes. */
export class CodecError extends Error {
  override name = 'CodecError';
}

const HEADER = 9; // kind u8, tick u32, ack u32

/** Writes state message bodies for one map size (positions are quantized to 16 bits of it). */
export class StateWriter {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  private sx: number;
  private sy: number;

  constructor(map: { width: number; height: number }) {
    this.sx = 65535 / map.width;
    this.sy = 65535 / map.height;
  }

  /** Starts a body holding `count` entity records. */
  begin(count: number): void {
    this.at = 0;
    this.ensure(2);
    this.view.setUint16(0, count);
    this.at = 2;
  }

  /** Appends one entity record; write exactly the `count` given to `begin`. */
  entity(r: Required<Omit<EntityRecord, 'mask'>> & { mask: number }): void {
    this.ensure(4 + 1 + 4 + 8 + 1 + 4 + 4 + 1);
    const v = this.view;
    v.setUint32(this.at, r.id);
    v.setUint8(this.at + 4, r.mask);
    this.at += 5;
    if (r.mask & Field.position) {
      v.setUint16(this.at, quantize(r.x, this.sx));
      v.setUint16(this.at + 2, quantize(r.y, this.sy));
      this.at += 4;
    }
    if (r.mask & Field.health) {
      v.setFloat32(this.at, r.hp);
      this.at += 4;
    }
    if (r.mask & Field.spawn) {
      v.setFloat32(this.at, r.max);
      this.at += 4;
    }
    if (r.mask & Field.alive) v.setUint8(this.at++, r.dead ? 1 : 0);
    if (r.mask & Field.score) {
      v.setUint16(this.at, Math.min(r.kills, 65535));
      v.setUint16(this.at + 2, Math.min(r.deaths, 65535));
      this.at += 4;
    }
    if (r.mask & Field.presence) v.setUint8(this.at++, r.offline ? 1 : 0);
  }

  /** Appends the removed NetIds and returns a copy of the finished body. */
  end(removed: readonly number[]): Uint8Array {
    this.ensure(2 + removed.length * 4);
    this.view.setUint16(this.at, removed.length);
    this.at += 2;
    for (const id of removed) {
      this.view.setUint32(this.at, id);
      this.at += 4;
    }
    return this.buf.slice(0, this.at);
  }

  private ensure(extra: number): void {
    if (this.at + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + extra));
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** Frames a body (from `StateWriter`) for one client: kind, tick and that client's input ack. */
export function frameState(full: boolean, tick: number, ack: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + body.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, full ? StateKind.full : StateKind.delta);
  v.setUint32(1, tick >>> 0);
  v.setUint32(5, ack >>> 0);
  out.set(body, HEADER);
  return out;
}

/**
 * Decodes a state message.
 * @throws CodecError on truncated, oversized or otherwise malformed bytes.
 */
export function decodeState(bytes: Uint8Array, map: { width: number; height: number }): StateMessage {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number): void => {
    if (at + n > bytes.byteLength) throw new CodecError(`state truncated at byte ${at} (need ${n} of ${bytes.byteLength})`);
  };
  need(HEADER + 2);
  const kind = v.getUint8(0);
  if (kind !== StateKind.full && kind !== StateKind.delta) throw new CodecError(`unknown state kind ${kind}`);
  const tick = v.getUint32(1);
  const ack = v.getUint32(5);
  at = HEADER;
  const count = v.getUint16(at);
  at += 2;
  const entities: EntityRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    need(5);
    const r: EntityRecord = { id: v.getUint32(at), mask: v.getUint8(at + 4) };
    at += 5;
    if (r.mask & ~ALL_FIELDS) throw new CodecError(`entity ${r.id}: unknown field bits ${r.mask}`);
    if (r.mask & Field.position) {
      need(4);
      r.x = (v.getUint16(at) / 65535) * map.width;
      r.y = (v.getUint16(at + 2) / 65535) * map.height;
      at += 4;
    }
    if (r.mask & Field.health) {
      need(4);
      r.hp = v.getFloat32(at);
      at += 4;
      if (!Number.isFinite(r.hp)) throw new CodecError(`entity ${r.id}: hp is not finite`);
    }
    if (r.mask & Field.spawn) {
      need(4);
      r.max = v.getFloat32(at);
      at += 4;
      if (!Number.isFinite(r.max)) throw new CodecError(`entity ${r.id}: max hp is not finite`);
    }
    if (r.mask & Field.alive) {
      need(1);
      const d = v.getUint8(at++);
      if (d > 1) throw new CodecError(`entity ${r.id}: alive flag ${d}`);
      r.dead = d === 1;
    }
    if (r.mask & Field.score) {
      need(4);
      r.kills = v.getUint16(at);
      r.deaths = v.getUint16(at + 2);
      at += 4;
    }
    if (r.mask & Field.presence) {
      need(1);
      const o = v.getUint8(at++);
      if (o > 1) throw new CodecError(`entity ${r.id}: presence flag ${o}`);
      r.offline = o === 1;
    }
    entities[i] = r;
  }
  need(2);
  const removedCount = v.getUint16(at);
  at += 2;
  need(removedCount * 4);
  const removed: number[] = new Array(removedCount);
  for (let i = 0; i < removedCount; i++, at += 4) removed[i] = v.getUint32(at);
  if (at !== bytes.byteLength) throw new CodecError(`state has ${bytes.byteLength - at} trailing bytes`);
  return { full: kind === StateKind.full, tick, ack, entities, removed };
}

/** The mask of a record that carries everything (full snapshots, first sight). */
export const FULL_MASK = ALL_FIELDS;

function quantize(value: number, scale: number): number {
  const q = Math.round(value * scale);
  return q < 0 ? 0 : q > 65535 ? 65535 : q;
}

/** An input command as it crosses the wire. */
export interface WireInput {
  seq: number;
  /** Direction, each axis in [-1, 1] (sent with 1/127 resolution). */
  mx: number;
  my: number;
  attack: boolean;
}

/** Size in bytes of an encoded input. */
export const INPUT_BYTES = 7;

/** Encodes an input command in 7 bytes: seq u32, mx i8, my i8, buttons u8. */
export function encodeInput(input: WireInput): Uint8Array {
  const out = new Uint8Array(INPUT_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, input.seq >>> 0);
  v.setInt8(4, Math.round(Math.max(-1, Math.min(1, input.mx)) * 127));
  v.setInt8(5, Math.round(Math.max(-1, Math.min(1, input.my)) * 127));
  v.setUint8(6, input.attack ? 1 : 0);
  return out;
}

/**
 * Decodes an input command.
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
  return { seq: v.getUint32(0), mx: mx / 127, my: my / 127, attack: buttons === 1 };
}
