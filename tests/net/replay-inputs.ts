// Test helper: the input commands of a recording, read per docs/replay-format.md ("tick" record,
// input block), with where each one's bytes sit in the file, so a test can check exactly what was
// recorded and flip one input in place (then re-checksum its chunk).
import xxh32 from 'xxh32';
import { parseReplay } from '../../engine/replay/parse';

/** One recorded input command. */
export interface RecordedCommand {
  /** The tick that consumed it. */
  tick: number;
  eid: number;
  /** Position in its player's queue that tick, and the queue's length. */
  index: number;
  queueLength: number;
  flags: number;
  /** A move stored as two axis levels (−127…127), or as two Float32s. */
  move?: { x: number; y: number };
  /** File offset of the two axis-level bytes, when the move is stored as levels. */
  levelsAt?: number;
  /** A move that repeats the player's current direction (no bytes of its own). */
  sameMove: boolean;
  target?: { x: number; y: number };
  attack: boolean;
}

const FLAG = { seq: 1, move: 2, moveLevels: 4, target: 8, attack: 16, viewTime: 32, moveSame: 64, seqNext: 128 } as const;

/** Every input command of the recording in `file`, in tick order. */
export function recordedCommands(file: Uint8Array): RecordedCommand[] {
  const parsed = parseReplay(file);
  const out: RecordedCommand[] = [];
  for (const step of parsed.steps) {
    const block = step.inputs;
    const base = block.byteOffset - file.byteOffset;
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    let at = 0;
    const varint = (): number => {
      let v = 0;
      let scale = 1;
      for (;;) {
        const b = block[at++]!;
        v += (b & 0x7f) * scale;
        if (b < 0x80) return v;
        scale *= 0x80;
      }
    };
    const zigzag = (): number => {
      const v = varint();
      return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
    };
    const players = varint();
    let eid = 0;
    for (let p = 0; p < players; p++) {
      eid += zigzag();
      const n = varint();
      for (let index = 0; index < n; index++) {
        const flags = block[at++]!;
        const cmd: RecordedCommand = {
          tick: step.tick, eid, index, queueLength: n, flags, attack: (flags & FLAG.attack) !== 0, sameMove: (flags & FLAG.moveSame) !== 0,
        };
        if (flags & FLAG.seq) varint();
        if (flags & FLAG.target) {
          cmd.target = { x: view.getFloat64(at, true), y: view.getFloat64(at + 8, true) };
          at += 16;
        } else if (flags & FLAG.moveLevels) {
          cmd.levelsAt = base + at;
          cmd.move = { x: (block[at]! << 24) >> 24, y: (block[at + 1]! << 24) >> 24 };
          at += 2;
        } else if (flags & FLAG.move) {
          cmd.move = { x: view.getFloat32(at, true), y: view.getFloat32(at + 4, true) };
          at += 8;
        }
        if (flags & FLAG.attack && flags & FLAG.viewTime) at += 8;
        out.push(cmd);
      }
    }
    if (at !== block.length) throw new Error(`input block of tick ${step.tick}: read ${at} of ${block.length} bytes`);
  }
  return out;
}

/** A copy of `file` with the byte at `offset` set to `value`, its chunk's checksum recomputed so only the content differs. */
export function patchByte(file: Uint8Array, offset: number, value: number): Uint8Array {
  const out = Uint8Array.from(file);
  out[offset] = value;
  const view = new DataView(out.buffer);
  // Chunks follow the 6-byte preamble: u32 length, u32 xxHash32 of the payload, payload.
  let at = 6;
  while (at < out.length) {
    const length = view.getUint32(at, true);
    const start = at + 8;
    if (offset >= start && offset < start + length) {
      view.setUint32(at + 4, xxh32(out.slice(start, start + length), 0) >>> 0, true);
      return out;
    }
    at = start + length;
  }
  throw new Error(`offset ${offset} is in no chunk`);
}
