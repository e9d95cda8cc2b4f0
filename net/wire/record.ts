// One entity record of a state message: its mask and fields, byte by byte as docs/protocol.md
// ("Entity record") specifies. The mask's layout is private to this file: outside net/wire a record
// is an EntityRecord, whose optional fields say what it carries, or, on the server's hot path, an
// entity's whole EntityState plus the engine's `Changed` bits saying what changed.
import { axisLevel, axisOfLevel, Changed } from '../../engine';
import { ByteReader, ByteWriter, CodecError } from './bytes';

// Bits of a record's mask.
const DIRECTION = 1;
const POSITION = 2;
const HEALTH = 4;
const SCORE = 8;
const STATE = 16;
const ATTACK = 32;
const ENTER = 64;
const TARGET = 128;
/** Mask of an enter record walking a direction: every bit but TARGET (ATTACK is set, meaning nothing). */
const EVERY = 127;
/** Mask of an enter record seeking: every bit but DIRECTION. An enter record has one of these two masks. */
const EVERY_SEEK = 254;

// Health travels in hundredths: exact for the game's whole numbers, two bytes for 100 hp.
const HP_SCALE = 100;
/** Longest record: id, mask, target (longer than a direction), position, hp, max, kills, deaths (varints ≤ 5 bytes), state. */
const MAX_RECORD_BYTES = 5 + 1 + 8 + 8 + 5 + 5 + 5 + 5 + 1;

/**
 * One entity's replicated state in a state message. Optional fields are present exactly when the
 * record carries them; the pairs (mx, my), (tx, ty), (x, y), (kills, deaths) and (dead, offline)
 * travel together, both or neither. A motion is a direction (mx, my) or a seek target (tx, ty),
 * never both. An enter record carries every field, `max` included, and one motion.
 */
export interface EntityRecord {
  /** NetId of the entity. */
  id: number;
  /** First sight of the entity (it entered view, or the message is full): every field is present. */
  enter: boolean;
  /** The entity attacked this tick. Always false on an enter record (protocol 2 has no room for it). */
  attacked: boolean;
  /** New walking direction, each axis one of the quantized values of `quantizeAxis`. */
  mx?: number;
  my?: number;
  /** New seek target (Float32, exact): the entity walks toward it at the rule speed and stops there. */
  tx?: number;
  ty?: number;
  /** Exact position (Float32): a correction of dead reckoning (spawn, respawn, teleport). */
  x?: number;
  y?: number;
  /** Health, in hundredths of a point. */
  hp?: number;
  /** Maximum health, on enter records only. */
  max?: number;
  kills?: number;
  deaths?: number;
  dead?: boolean;
  offline?: boolean;
}

/**
 * Every replicated field of an entity, as the server reads them off its stores: the source of a
 * record when the engine's `Changed` bits, not the fields' presence, say what the record carries.
 */
export interface EntityState {
  id: number;
  mx: number;
  my: number;
  /** True when the motion is a seek toward (tx, ty) rather than the direction (mx, my). */
  seek: boolean;
  tx: number;
  ty: number;
  x: number;
  y: number;
  hp: number;
  max: number;
  kills: number;
  deaths: number;
  dead: boolean;
  offline: boolean;
}

/** Why an EntityRecord cannot be written, or undefined. */
function recordProblem(r: EntityRecord): string | undefined {
  const half = (a: unknown, b: unknown): boolean => (a === undefined) !== (b === undefined);
  if (r.mx !== undefined && r.tx !== undefined) return 'a record carries one motion, direction or target';
  if (half(r.mx, r.my) || half(r.tx, r.ty) || half(r.x, r.y) || half(r.kills, r.deaths) || half(r.dead, r.offline)) return 'a field pair is half present';
  if (r.enter) {
    if (r.attacked) return 'an enter record cannot carry an attack';
    if ((r.mx === undefined && r.tx === undefined) || r.x === undefined || r.hp === undefined || r.max === undefined || r.kills === undefined || r.dead === undefined) {
      return 'an enter record needs every field';
    }
  } else if (r.max !== undefined) return 'max travels on enter records only';
  return undefined;
}

/**
 * Appends one record, carrying the fields present in `r`.
 * @throws CodecError if a pair is half present, an enter record lacks a field or carries an
 * attack, or a non-enter record carries `max`.
 */
export function writeRecord(w: ByteWriter, r: EntityRecord): void {
  const problem = recordProblem(r);
  if (problem !== undefined) throw new CodecError(`entity ${r.id}: ${problem}`);
  const mask = r.enter
    ? (r.tx === undefined ? EVERY : EVERY_SEEK)
    : (r.mx === undefined ? 0 : DIRECTION) | (r.tx === undefined ? 0 : TARGET) | (r.x === undefined ? 0 : POSITION) | (r.hp === undefined ? 0 : HEALTH)
      | (r.kills === undefined ? 0 : SCORE) | (r.dead === undefined ? 0 : STATE) | (r.attacked ? ATTACK : 0);
  writeFields(w, r.id, mask, r as unknown as EntityState);
}

/**
 * Appends one record of `state`: every field if `enter`, else the fields the engine's `changes`
 * bits name (life and presence travel together as the state byte), flagged `attacked`.
 * @throws CodecError for an enter record flagged `attacked` (protocol 2 cannot carry it).
 */
export function writeEntity(w: ByteWriter, state: EntityState, changes: number, enter: boolean, attacked: boolean): void {
  if (enter && attacked) throw new CodecError(`entity ${state.id}: an enter record cannot carry an attack`);
  let mask = enter ? EVERY : MASK_OF_CHANGES[changes & ALL_CHANGES]! | (attacked ? ATTACK : 0);
  // A seek's motion travels as its target in place of a direction.
  if (state.seek && mask & DIRECTION) mask = (mask & ~DIRECTION) | TARGET;
  writeFields(w, state.id, mask, state);
}

// The record mask of each combination of the engine's `Changed` bits, worked out once.
const ALL_CHANGES = Changed.direction | Changed.position | Changed.health | Changed.score | Changed.alive | Changed.presence;
const MASK_OF_CHANGES = new Uint8Array(ALL_CHANGES + 1);
for (let c = 0; c <= ALL_CHANGES; c++) {
  MASK_OF_CHANGES[c] = (c & Changed.direction ? DIRECTION : 0) | (c & Changed.position ? POSITION : 0) | (c & Changed.health ? HEALTH : 0)
    | (c & Changed.score ? SCORE : 0) | (c & (Changed.alive | Changed.presence) ? STATE : 0);
}

/** The bytes of a record whose mask is decided; `s` holds (at least) the fields the mask names. */
function writeFields(w: ByteWriter, id: number, mask: number, s: EntityState): void {
  w.ensure(MAX_RECORD_BYTES);
  w.varint(id);
  w.u8(mask);
  if (mask & DIRECTION) {
    w.i8(axisLevel(s.mx));
    w.i8(axisLevel(s.my));
  }
  if (mask & TARGET) {
    w.f32(s.tx);
    w.f32(s.ty);
  }
  if (mask & POSITION) {
    w.f32(s.x);
    w.f32(s.y);
  }
  if (mask & HEALTH) w.varint(Math.round(Math.max(0, s.hp) * HP_SCALE));
  if (mask & ENTER) w.varint(Math.round(Math.max(0, s.max) * HP_SCALE));
  if (mask & SCORE) {
    w.varint(s.kills);
    w.varint(s.deaths);
  }
  if (mask & STATE) w.u8((s.dead ? 1 : 0) | (s.offline ? 2 : 0));
}

/**
 * Reads one record.
 * @throws CodecError on unknown mask bits, an enter record without every bit, a direction level
 * of −128, state bits beyond dead and offline, non-finite positions or targets, a direction and a target together, or truncation.
 */
export function readRecord(r: ByteReader): EntityRecord {
  const id = r.varint();
  const m = r.u8();
  const enter = (m & ENTER) !== 0;
  if (enter && m !== EVERY && m !== EVERY_SEEK) throw new CodecError(`entity ${id}: enter record without every field and one motion`);
  if ((m & DIRECTION) && (m & TARGET)) throw new CodecError(`entity ${id}: both a direction and a target`);
  const rec: EntityRecord = { id, enter, attacked: !enter && (m & ATTACK) !== 0 };
  if (m & DIRECTION) {
    const cx = r.i8();
    const cy = r.i8();
    if (cx === -128 || cy === -128) throw new CodecError(`entity ${id}: direction out of range`);
    rec.mx = axisOfLevel(cx);
    rec.my = axisOfLevel(cy);
  }
  if (m & TARGET) {
    rec.tx = r.f32();
    rec.ty = r.f32();
  }
  if (m & POSITION) {
    rec.x = r.f32();
    rec.y = r.f32();
  }
  if (m & HEALTH) rec.hp = r.varint() / HP_SCALE;
  if (enter) rec.max = r.varint() / HP_SCALE;
  if (m & SCORE) {
    rec.kills = r.varint();
    rec.deaths = r.varint();
  }
  if (m & STATE) {
    const bits = r.u8();
    if (bits > 3) throw new CodecError(`entity ${id}: state bits ${bits}`);
    rec.dead = (bits & 1) === 1;
    rec.offline = (bits & 2) === 2;
  }
  return rec;
}
