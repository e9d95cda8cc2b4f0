// Input commands as the input system consumed them, compactly: a flags byte per command; the
// sequence number as a delta from the one before (no bytes at all when it is the next one); a
// direction as nothing when it is the one the player already walks, else as two axis levels when
// that is exact, else as the Float32s the store will hold; view times as the exact Float64.
// Encoding and decoding both track what the input system leaves in the Input store after each
// command, starting from the store before the tick, so the recorder and the replay agree.
import type { InputCommand } from '../input';
import { axisLevel, axisOfLevel } from '../motion';
import { grownTo, type ByteReader, type ByteWriter } from './bytes';
import { CommandBit } from './format';
import { ReplayFormatError } from './errors';

/** What the commands are encoded against: the player's Input store values before the tick. */
export interface InputBefore {
  seq: number;
  mx: number;
  my: number;
  seek: number;
}

// A level when it gives back exactly the Float32 the store will hold (sign of zero included).
function levelOf(v: number): number | undefined {
  const level = axisLevel(v) | 0; // | 0: a level is written as a byte, which has no −0
  return Object.is(axisOfLevel(level), Math.fround(v)) ? level : undefined;
}

// Which parts a command has, as `CommandColumns.parts` keeps them.
const HAS_SEQ = 1;
const HAS_MOVE = 2;
const HAS_TARGET = 4;
const HAS_ATTACK = 8;
const HAS_VIEW_TIME = 16;

/**
 * Commands copied out of their objects into typed columns. The recorder copies each queue while
 * the input system is about to read the same objects anyway, so encoding later reads memory in
 * order instead of chasing pointers into a heap that has gone cold by the tick's end.
 */
export class CommandColumns {
  count = 0;
  /** HAS_* bits per command. */
  parts = new Uint8Array(256);
  /** ToUint32 of the sequence number: what the Input store keeps. */
  seq = new Uint32Array(256);
  /** The move's axes, or the target's coordinates, as the command carried them. */
  x = new Float64Array(256);
  y = new Float64Array(256);
  viewTimeS = new Float64Array(256);

  push(cmd: InputCommand): void {
    if (this.count === this.parts.length) this.grow();
    const i = this.count++;
    let parts = 0;
    if (cmd.seq !== undefined) {
      parts |= HAS_SEQ;
      this.seq[i] = cmd.seq;
    }
    if (cmd.target !== undefined) {
      parts |= HAS_TARGET;
      this.x[i] = cmd.target.x;
      this.y[i] = cmd.target.y;
    } else if (cmd.move !== undefined) {
      parts |= HAS_MOVE;
      this.x[i] = cmd.move.x;
      this.y[i] = cmd.move.y;
    }
    if (cmd.attack) {
      parts |= HAS_ATTACK;
      if (cmd.viewTimeS !== undefined) {
        parts |= HAS_VIEW_TIME;
        this.viewTimeS[i] = cmd.viewTimeS;
      }
    }
    this.parts[i] = parts;
  }

  private grow(): void {
    const size = this.parts.length * 2;
    this.parts = grownTo(this.parts, size);
    this.seq = grownTo(this.seq, size);
    this.x = grownTo(this.x, size);
    this.y = grownTo(this.y, size);
    this.viewTimeS = grownTo(this.viewTimeS, size);
  }
}

/**
 * Writes one player's queue, the commands `start … end` of `columns`, given its Input store
 * values before the tick (updated in place).
 */
export function writeCommandColumns(out: ByteWriter, columns: CommandColumns, state: InputBefore, start: number, end: number): void {
  out.varint(end - start);
  const { parts: partsOf, seq: seqOf, x: xOf, y: yOf } = columns;
  for (let i = start; i < end; i++) {
    const parts = partsOf[i]!;
    let flags = 0;
    // The store keeps ToUint32(seq): that, as a wrapped delta, is all the input system consumed.
    const seq = parts & HAS_SEQ ? seqOf[i]! : 0;
    let delta = seq - state.seq;
    if (delta > 0x7fffffff) delta -= 0x100000000;
    else if (delta < -0x80000000) delta += 0x100000000;
    if (parts & HAS_SEQ) flags |= delta === 1 ? CommandBit.seqNext : CommandBit.seq;
    let lx: number | undefined;
    let ly: number | undefined;
    let fx = 0;
    let fy = 0;
    if (parts & HAS_TARGET) flags |= CommandBit.target;
    else if (parts & HAS_MOVE) {
      fx = Math.fround(xOf[i]!);
      fy = Math.fround(yOf[i]!);
      if (state.seek === 0 && Object.is(fx, state.mx) && Object.is(fy, state.my)) flags |= CommandBit.moveSame;
      else {
        flags |= CommandBit.move;
        lx = levelOf(fx);
        ly = levelOf(fy);
        if (lx !== undefined && ly !== undefined) flags |= CommandBit.moveLevels;
      }
    }
    // An attack is a press; without one the input system ignores the view time, so it is not kept.
    if (parts & HAS_ATTACK) {
      flags |= CommandBit.attack;
      if (parts & HAS_VIEW_TIME) flags |= CommandBit.viewTime;
    }
    out.u8(flags);
    if (flags & CommandBit.seq) out.zigzag(delta);
    if (parts & HAS_SEQ) state.seq = seq;
    if (flags & CommandBit.target) {
      out.f64(xOf[i]!);
      out.f64(yOf[i]!);
      state.seek = 1;
      state.mx = 0;
      state.my = 0;
    } else if (parts & HAS_MOVE) {
      if (flags & CommandBit.moveLevels) {
        out.u8(lx! & 0xff);
        out.u8(ly! & 0xff);
      } else if (flags & CommandBit.move) {
        out.f32(fx);
        out.f32(fy);
      }
      state.seek = 0;
      state.mx = fx;
      state.my = fy;
    }
    if (flags & CommandBit.viewTime) out.f64(columns.viewTimeS[i]!);
  }
}

const signed = (b: number): number => (b > 127 ? b - 256 : b);

/** Reads one player's queue written by `writeCommandColumns`, given the same Input store values (updated in place). */
export function readCommands(r: ByteReader, state: InputBefore): InputCommand[] {
  const n = r.varint();
  if (n > 1 << 16) throw new ReplayFormatError(`a queue of ${n} commands at byte ${r.offset}`);
  const queue: InputCommand[] = [];
  for (let i = 0; i < n; i++) {
    const flags = r.u8();
    const moves = (flags & CommandBit.target ? 1 : 0) + (flags & CommandBit.move ? 1 : 0) + (flags & CommandBit.moveSame ? 1 : 0);
    if (moves > 1 || (flags & CommandBit.seq && flags & CommandBit.seqNext) || (flags & CommandBit.moveLevels && !(flags & CommandBit.move))
      || (flags & CommandBit.viewTime && !(flags & CommandBit.attack))) {
      throw new ReplayFormatError(`impossible command flags ${flags} at byte ${r.offset - 1}`);
    }
    const cmd: InputCommand = {};
    if (flags & CommandBit.seq) state.seq = (state.seq + r.zigzag()) >>> 0;
    else if (flags & CommandBit.seqNext) state.seq = (state.seq + 1) >>> 0;
    if (flags & (CommandBit.seq | CommandBit.seqNext)) cmd.seq = state.seq;
    if (flags & CommandBit.target) {
      cmd.target = { x: r.f64(), y: r.f64() };
      state.seek = 1;
      state.mx = 0;
      state.my = 0;
    } else if (flags & (CommandBit.move | CommandBit.moveSame)) {
      if (flags & CommandBit.moveLevels) {
        const lx = signed(r.u8());
        const ly = signed(r.u8());
        if (lx < -127 || ly < -127) throw new ReplayFormatError(`axis level −128 at byte ${r.offset - 2}`);
        cmd.move = { x: axisOfLevel(lx), y: axisOfLevel(ly) };
      } else if (flags & CommandBit.move) {
        cmd.move = { x: r.f32(), y: r.f32() };
      } else {
        cmd.move = { x: state.mx, y: state.my };
      }
      state.seek = 0;
      state.mx = cmd.move.x;
      state.my = cmd.move.y;
    }
    if (flags & CommandBit.attack) {
      cmd.attack = true;
      if (flags & CommandBit.viewTime) cmd.viewTimeS = r.f64();
    }
    queue.push(cmd);
  }
  return queue;
}
