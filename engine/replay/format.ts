// The constants of the replay format (docs/replay-format.md describes it byte by byte).
import type { FieldType } from '../component';

/** Version of the replay byte format; a reader refuses other versions. */
export const REPLAY_FORMAT_VERSION = 2;

/** First bytes of every replay file: "SKRP". */
export const MAGIC = new Uint8Array([0x53, 0x4b, 0x52, 0x50]);

/** Bytes before the first chunk: the magic and a u16 format version. */
export const PREAMBLE_BYTES = 6;

/** Bytes before each chunk's payload: u32 payload length, u32 XXH32 of the payload. */
export const CHUNK_HEAD_BYTES = 8;

/** Largest chunk payload a reader accepts (a corrupt length must not make it allocate gigabytes). */
export const MAX_CHUNK_BYTES = 1 << 28;

/** Record types inside chunk payloads. */
export const RecordKind = {
  header: 1,
  checkpoint: 2,
  spawn: 3,
  despawn: 4,
  offline: 5,
  tick: 6,
  /** A tick record without its hash (the recorder hashes only every `hashEveryTicks`). */
  tickUnhashed: 9,
  meta: 7,
  end: 8,
} as const;

/** A record type. */
export type RecordType = (typeof RecordKind)[keyof typeof RecordKind];

/** Storage types of component fields, by their code in checkpoints. */
export const FIELD_TYPES: readonly FieldType[] = [
  Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Uint8Array, Uint16Array, Uint32Array,
];

/** Bits of an input command's flags byte. */
export const CommandBit = {
  seq: 1,
  move: 2,
  /** The move is two axis levels (signed bytes) rather than two Float32s. */
  moveLevels: 4,
  target: 8,
  attack: 16,
  viewTime: 32,
  /** The move is the player's current direction (as the store holds it, walking, not seeking): no bytes follow. */
  moveSame: 64,
  /** The sequence number is the previous one + 1: no bytes follow. */
  seqNext: 128,
} as const;
