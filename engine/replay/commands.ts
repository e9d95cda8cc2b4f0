// Input commands as the input system consumed them, compactly: a flags byte per command; the
// sequence number as a delta from the one before (no bytes at all when it is the next one); a
// direction as nothing when it is the one the player already walks, else as two axis levels when
// that is exact, else as the Float32s the store will hold; view times as the exact Float64.
// Encoding and decoding both track what the input system leaves in the Input store after each
// command, starting from the store before the tick, so the recorder and the replay agree.
import type { InputCommand } from '../input';
import type { InputStoreValues } from '../journal';
import { axisLevel, axisOfLevel } from '../motion';
import type { ByteReader, ByteWriter } from './bytes';
import { CommandBit } from './format';
import { ReplayFormatError } from './errors';


// A level when it gives back exactly the Float32 the store will hold (sign of zero included).
function levelOf(v: number): number | undefined {
  const level = axisLevel(v) | 0; // | 0: a level is written as a byte, which has no −0
  return Object.is(axisOfLevel(level), Math.fround(v)) ? level : undefined;
}

/**
 * Writes one player's queue, `commands[start … end)`, as the input system consumed it, given its
 * Input store values before the tick (updated in place to what the input system leaves after
 * each command).
 */
export function writeCommands(out: ByteWriter, commands: readonly InputCommand[], start: number, end: number, state: InputStoreValues): void {
  out.varint(end - start);
  for (let i = start; i < end; i++) {
    const cmd = commands[i]!;
    let flags = 0;
    // The store keeps ToUint32(seq): that, as a wrapped delta, is all the input system consumed.
    const hasSeq = cmd.seq !== undefined;
    const seq = hasSeq ? cmd.seq! >>> 0 : 0;
    let delta = seq - state.seq;
    if (delta > 0x7fffffff) delta -= 0x100000000;
    else if (delta < -0x80000000) delta += 0x100000000;
    if (hasSeq) flags |= delta === 1 ? CommandBit.seqNext : CommandBit.seq;
    const target = cmd.target;
    const move = target === undefined ? cmd.move : undefined;
    let lx: number | undefined;
    let ly: number | undefined;
    let fx = 0;
    let fy = 0;
    if (target !== undefined) flags |= CommandBit.target;
    else if (move !== undefined) {
      fx = Math.fround(move.x);
      fy = Math.fround(move.y);
      if (state.seek === 0 && Object.is(fx, state.mx) && Object.is(fy, state.my)) flags |= CommandBit.moveSame;
      else {
        flags |= CommandBit.move;
        lx = levelOf(fx);
        ly = levelOf(fy);
        if (lx !== undefined && ly !== undefined) flags |= CommandBit.moveLevels;
      }
    }
    // An attack is a press; without one the input system ignores the view time, so it is not kept.
    const viewTimeS = cmd.attack ? cmd.viewTimeS : undefined;
    if (cmd.attack) {
      flags |= CommandBit.attack;
      if (viewTimeS !== undefined) flags |= CommandBit.viewTime;
    }
    out.u8(flags);
    if (flags & CommandBit.seq) out.zigzag(delta);
    if (hasSeq) state.seq = seq;
    if (target !== undefined) {
      out.f64(target.x);
      out.f64(target.y);
      state.seek = 1;
      state.mx = 0;
      state.my = 0;
    } else if (move !== undefined) {
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
    if (viewTimeS !== undefined) out.f64(viewTimeS);
  }
}

const signed = (b: number): number => (b > 127 ? b - 256 : b);

/** Reads one player's queue written by `writeCommands`, given the same Input store values (updated in place). */
export function readCommands(r: ByteReader, state: InputStoreValues): InputCommand[] {
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
