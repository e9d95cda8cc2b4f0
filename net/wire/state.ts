// State messages, server → client: what changed among the entities a client sees, plus the tick's
// hits and kills. Byte layout in docs/protocol.md ("State message"). `encodeState` and
// `decodeState` are the only way to make and read one; the server's replication uses the same
// encoder incrementally (StateEncoder, EncodedRecords) to encode each record once per tick.
// One file over 250 lines because it is one message format: the writer and the reader share its
// flags and header layout, and a change to either must be made to both in the same place.
import { ByteReader, ByteWriter, CodecError } from './bytes';
import { readRecord, writeEntity, writeRecord, type EntityRecord, type EntityState } from './record';

/** Where the previous message on a connection left tick and ack: deltas are relative to it. */
export interface StreamPosition {
  tick: number;
  ack: number;
}

/** A state message, as encoded and as decoded. */
export interface StateMessage {
  /** A full message replaces the mirror: it lists every entity the client can see, each entering. */
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

// First byte of a state message: the high nibble 0x1, and flags in the low one, so that what a
// message does not carry (an unchanged ack, no removals, no hits or kills: most messages) costs
// no byte at all.
const KIND = 0x10;
/** A full message (else a delta). */
const FLAG_FULL = 1;
/** A delta's ack step follows its tick step (else the ack is unchanged). */
const FLAG_ACK = 2;
/** A removed list follows the records (else none was removed). */
const FLAG_REMOVED = 4;
/** Hit and kill lists follow (else there were none). */
const FLAG_HITS = 8;
/** Longest header: kind, tick and ack (u32s, or varints of at most 5 bytes), the record count's byte. */
const HEADER_BYTES = 1 + 5 + 5 + 1;

/** True when `firstByte` opens a state message (the parser tells bare state messages by it). */
export function isStateKind(firstByte: number): boolean {
  return (firstByte & 0xf0) === KIND;
}

/**
 * Records encoded once and copied into many messages: the server encodes each changed entity's
 * record once per tick here, then every client's message copies the bytes.
 */
export class EncodedRecords {
  private readonly w = new ByteWriter();
  /** End offset of each record in `w`, by handle; a record starts where the previous one ends. */
  private ends = new Uint32Array(64);
  private size = 0;

  /** Forgets every record (handles from before are invalid), keeping the memory. */
  reset(): void {
    this.w.reset();
    this.size = 0;
  }

  /**
   * Encodes `record` and returns its handle for `StateEncoder.copy`, valid until `reset`.
   * @throws CodecError if the record is malformed (see EntityRecord); nothing is kept then.
   */
  add(record: EntityRecord): number {
    writeRecord(this.w, record); // checks before writing anything
    return this.added();
  }

  /**
   * Encodes the record of `state` that `changes` (engine `Changed` bits), `enter` and `attacked`
   * describe (see StateEncoder.entity) and returns its handle, valid until `reset`.
   * @throws CodecError for an enter record flagged `attacked`; nothing is kept then.
   */
  addEntity(state: EntityState, changes: number, enter: boolean, attacked: boolean): number {
    writeEntity(this.w, state, changes, enter, attacked);
    return this.added();
  }

  private added(): number {
    if (this.size === this.ends.length) {
      const grown = new Uint32Array(this.size * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[this.size] = this.w.at;
    return this.size++;
  }

  /** Appends the bytes of record `handle` to `w` (StateEncoder.copy's half of the work). */
  appendTo(w: ByteWriter, handle: number): void {
    w.bytes(this.w.buf, handle === 0 ? 0 : this.ends[handle - 1]!, this.ends[handle]!);
  }
}

/**
 * Builds state messages piece by piece: `begin`, then records (`record` encodes one now, `copy`
 * appends one encoded earlier), then `finish` with the removed ids, hits and kills. Reuses its
 * buffer from message to message.
 */
export class StateEncoder {
  private readonly w = new ByteWriter();
  private countAt = -1;
  private count = 0;

  /**
   * Starts a message. A full message carries tick and ack as they are; a delta, as steps from `prev`.
   * @throws CodecError if a delta does not advance the tick past `prev.tick`.
   */
  begin(full: boolean, tick: number, ack: number, prev: StreamPosition): this {
    const w = this.w.reset();
    w.ensure(HEADER_BYTES);
    // The kind byte: its body flags are ORed in by `end`.
    if (full) {
      w.u8(KIND | FLAG_FULL);
      w.u32(tick);
      w.u32(ack);
    } else writeDeltaHeader(w, tick, ack, prev, 0);
    this.countAt = w.at;
    w.u8(0); // the record count, patched by finish: one byte unless 128 records or more
    this.count = 0;
    return this;
  }

  /** Appends a record encoded now. @throws CodecError if it is malformed, or Error before `begin`. */
  record(record: EntityRecord): void {
    this.started();
    writeRecord(this.w, record);
    this.count++;
  }

  /**
   * Appends the record of an entity's whole `state`: every field if `enter` (first sight), else
   * the fields `changes` names (engine `Changed` bits), flagged `attacked` if it attacked this tick.
   * @throws CodecError for an enter record flagged `attacked`, or Error before `begin`.
   */
  entity(state: EntityState, changes: number, enter: boolean, attacked: boolean): void {
    this.started();
    writeEntity(this.w, state, changes, enter, attacked);
    this.count++;
  }

  /** Appends the record `handle` of `records`. @throws Error before `begin`. */
  copy(records: EncodedRecords, handle: number): void {
    this.started();
    records.appendTo(this.w, handle);
    this.count++;
  }

  /** Records appended since `begin`. */
  get records(): number {
    return this.count;
  }

  /** Bytes written since `begin` (fuzzers aim mutations at record boundaries with it). */
  get byteLength(): number {
    return this.w.at;
  }

  /**
   * Ends the message with the NetIds gone from view and the tick's hits and kills, and returns a
   * copy of its bytes. The encoder is then ready for `begin`.
   * @throws Error before `begin`.
   */
  finish(removed: readonly number[], hits: readonly (readonly [number, number])[], kills: readonly (readonly [number, number])[]): Uint8Array {
    this.end(removed, hits, kills);
    return this.w.finish();
  }

  /**
   * `finish` without the copy: a view of the encoder's own buffer, valid until the next `begin` or
   * `delta`. For a caller that copies the bytes anyway (into a pooled socket buffer), so that no
   * message allocates a buffer of its own.
   * @throws Error before `begin`.
   */
  finishView(removed: readonly number[], hits: readonly (readonly [number, number])[], kills: readonly (readonly [number, number])[]): Uint8Array {
    this.end(removed, hits, kills);
    return this.w.buf.subarray(0, this.w.at);
  }

  /**
   * Ends the message like `finish` but returns a copy of its body only: everything after the
   * header `begin` wrote (record count, records, removed, hits, kills), after one byte holding the
   * body's flags for the kind byte. Connections that are told the same news in a tick share one
   * body, each with its own header (`delta`).
   * @throws Error before `begin`.
   */
  finishBody(removed: readonly number[], hits: readonly (readonly [number, number])[], kills: readonly (readonly [number, number])[]): Uint8Array {
    const bodyAt = this.countAt;
    this.end(removed, hits, kills);
    // The body's own flags (removed, hits) travel in the kind byte: kept in the body's first
    // byte, where the header's last byte was, for `delta` to OR in.
    const body = this.w.buf.slice(bodyAt - 1, this.w.at);
    body[0] = this.w.buf[0]! & (FLAG_REMOVED | FLAG_HITS);
    return body;
  }

  /**
   * The delta message of a connection at `prev`: the header for `tick` and `ack`, then `body` (from
   * `finishBody`). The same bytes `begin(false, …)`, the same records and `finish` would give.
   * @throws CodecError if the tick does not advance past `prev.tick`; Error in the middle of a message.
   */
  delta(body: Uint8Array, tick: number, ack: number, prev: StreamPosition): Uint8Array {
    return this.deltaView(body, tick, ack, prev).slice();
  }

  /**
   * `delta` without the copy: a view of the encoder's own buffer, valid until the next `begin` or
   * `delta` (see `finishView`).
   * @throws as `delta`.
   */
  deltaView(body: Uint8Array, tick: number, ack: number, prev: StreamPosition): Uint8Array {
    if (this.countAt >= 0) throw new Error('StateEncoder: finish() the message begun before delta()');
    const w = this.w.reset();
    w.ensure(HEADER_BYTES);
    writeDeltaHeader(w, tick, ack, prev, body[0]!);
    w.bytes(body, 1, body.length);
    return w.buf.subarray(0, w.at);
  }

  private end(removed: readonly number[], hits: readonly (readonly [number, number])[], kills: readonly (readonly [number, number])[]): void {
    this.started();
    const w = this.w;
    if (this.count < 128) w.buf[this.countAt] = this.count;
    else {
      // Make room for a longer count by moving the records along, in place.
      let extra = 0;
      for (let n = this.count >>> 7; n > 0; n >>>= 7) extra++;
      w.ensure(extra);
      w.buf.copyWithin(this.countAt + 1 + extra, this.countAt + 1, w.at);
      const end = w.at + extra;
      w.at = this.countAt;
      w.varint(this.count);
      w.at = end;
    }
    if (removed.length > 0) {
      if (w.buf[0]! & FLAG_FULL) throw new CodecError('a full message removes nothing');
      w.buf[0] = w.buf[0]! | FLAG_REMOVED;
      w.ensure(5 + 5 * removed.length);
      w.varint(removed.length);
      for (const id of removed) w.varint(id);
    }
    if (hits.length > 0 || kills.length > 0) {
      w.buf[0] = w.buf[0]! | FLAG_HITS;
      writePairs(w, hits);
      writePairs(w, kills);
    }
    this.countAt = -1;
  }

  private started(): void {
    if (this.countAt < 0) throw new Error('StateEncoder: begin() a message first');
  }
}

/**
 * A delta's header: the kind byte (with `bodyFlags`, and the ack flag when the ack moved), the
 * tick step, and the ack step when there is one.
 * @throws CodecError if the tick does not advance past `prev.tick`.
 */
function writeDeltaHeader(w: ByteWriter, tick: number, ack: number, prev: StreamPosition, bodyFlags: number): void {
  if (!(tick > prev.tick)) throw new CodecError(`a delta must advance the tick (${prev.tick} → ${tick})`);
  const ackStep = (ack - prev.ack) >>> 0;
  w.u8(KIND | bodyFlags | (ackStep === 0 ? 0 : FLAG_ACK));
  w.varint(tick - prev.tick);
  if (ackStep !== 0) w.varint(ackStep);
}

function writePairs(w: ByteWriter, pairs: readonly (readonly [number, number])[]): void {
  w.ensure(5 + 10 * pairs.length);
  w.varint(pairs.length);
  for (const [a, b] of pairs) {
    w.varint(a);
    w.varint(b);
  }
}

const shared = new StateEncoder();

/**
 * Encodes a whole state message. `prev` is where the previous message on the connection left the
 * stream (ignored for a full message).
 * @throws CodecError if a record is malformed (see EntityRecord) or a delta does not advance the tick.
 */
export function encodeState(message: StateMessage, prev: StreamPosition, encoder: StateEncoder = shared): Uint8Array {
  encoder.begin(message.full, message.tick, message.ack, prev);
  for (const record of message.entities) encoder.record(record);
  return encoder.finish(message.removed, message.hits, message.kills);
}

/**
 * Decodes a state message. `prev` is where the previous message left the stream (ignored for a
 * full message); the caller keeps the returned tick and ack for the next one.
 * @throws CodecError on truncated, trailing or otherwise malformed bytes.
 */
export function decodeState(bytes: Uint8Array, prev: StreamPosition): StateMessage {
  const r = new ByteReader(bytes);
  const kind = r.u8();
  if (!isStateKind(kind)) throw new CodecError(`unknown state kind 0x${kind.toString(16)}`);
  const full = (kind & FLAG_FULL) !== 0;
  let tick: number;
  let ack: number;
  if (full) {
    if (kind & (FLAG_ACK | FLAG_REMOVED)) throw new CodecError(`a full message cannot have flags 0x${(kind & 0x0f).toString(16)}`);
    tick = r.u32();
    ack = r.u32();
  } else {
    const step = r.varint();
    if (step === 0) throw new CodecError('delta does not advance the tick');
    tick = prev.tick + step;
    ack = prev.ack;
    if (kind & FLAG_ACK) {
      const ackStep = r.varint();
      if (ackStep === 0) throw new CodecError('an ack step of 0 is written by leaving the ack flag clear');
      ack = (ack + ackStep) >>> 0;
    }
  }
  const count = r.count(2);
  const entities: EntityRecord[] = new Array(count);
  for (let i = 0; i < count; i++) entities[i] = readRecord(r);
  let removed: number[] = [];
  if (kind & FLAG_REMOVED) {
    removed = new Array<number>(r.count(1));
    if (removed.length === 0) throw new CodecError('the removed flag with an empty removed list');
    for (let i = 0; i < removed.length; i++) removed[i] = r.varint();
  }
  let hits: [number, number][] = [];
  let kills: [number, number][] = [];
  if (kind & FLAG_HITS) {
    hits = readPairs(r);
    kills = readPairs(r);
    if (hits.length === 0 && kills.length === 0) throw new CodecError('the hits flag with no hits and no kills');
  }
  if (r.remaining !== 0) throw new CodecError(`state has ${r.remaining} trailing bytes`);
  return { full, tick, ack, entities, removed, hits, kills };
}

function readPairs(r: ByteReader): [number, number][] {
  const out = new Array<[number, number]>(r.count(2));
  for (let i = 0; i < out.length; i++) out[i] = [r.varint(), r.varint()];
  return out;
}
