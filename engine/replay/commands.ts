// Input commands as the input system consumed them, compactly: a flags byte per command, the
// sequence number as a delta from the one before (usually +1), directions as axis levels when
// that is exact, view times as the exact Float64 the store keeps.
import type { InputCommand } from '../input';
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
 * Writes one player's queue. `seq` is the player's `Input.seq` before the tick; returns the
 * sequence number after the queue (what the input system leaves in the store).
 */
export function writeCommands(out: ByteWriter, queue: readonly InputCommand[], seq: number): number {
  out.varint(queue.length);
  for (let i = 0; i < queue.length; i++) {
    const cmd = queue[i]!;
    let flags = 0;
    if (cmd.seq !== undefined) flags |= CommandBit.seq;
    let lx: number | undefined;
    let ly: number | undefined;
    if (cmd.target !== undefined) flags |= CommandBit.target;
    else if (cmd.move !== undefined) {
      flags |= CommandBit.move;
      lx = levelOf(cmd.move.x);
      ly = levelOf(cmd.move.y);
      if (lx !== undefined && ly !== undefined) flags |= CommandBit.moveLevels;
    }
    // An attack is a press; without one the input system ignores the view time, so it is not kept.
    if (cmd.attack) {
      flags |= CommandBit.attack;
      if (cmd.viewTimeS !== undefined) flags |= CommandBit.viewTime;
    }
    out.u8(flags);
    if (cmd.seq !== undefined) {
      // The store keeps ToUint32(seq): that, as a wrapped delta, is all the input system consumed.
      const next = cmd.seq >>> 0;
      let delta = next - seq;
      if (delta > 0x7fffffff) delta -= 0x100000000;
      else if (delta < -0x80000000) delta += 0x100000000;
      out.zigzag(delta);
      seq = next;
    }
    if (flags & CommandBit.target) {
      out.f64(cmd.target!.x);
      out.f64(cmd.target!.y);
    } else if (flags & CommandBit.moveLevels) {
      out.u8(lx! & 0xff);
      out.u8(ly! & 0xff);
    } else if (flags & CommandBit.move) {
      // The store is Float32: its Float32 is exactly what movement will read.
      out.f32(cmd.move!.x);
      out.f32(cmd.move!.y);
    }
    if (flags & CommandBit.viewTime) out.f64(cmd.viewTimeS!);
  }
  return seq;
}

const signed = (b: number): number => (b > 127 ? b - 256 : b);

/** Reads one player's queue written by `writeCommands`, given the player's `Input.seq` before the tick. */
export function readCommands(r: ByteReader, seq: number): InputCommand[] {
  const n = r.varint();
  if (n > 1 << 16) throw new ReplayFormatError(`a queue of ${n} commands at byte ${r.offset}`);
  const queue: InputCommand[] = [];
  for (let i = 0; i < n; i++) {
    const flags = r.u8();
    if (flags >= 64) throw new ReplayFormatError(`unknown command flags ${flags} at byte ${r.offset - 1}`);
    const cmd: InputCommand = {};
    if (flags & CommandBit.seq) {
      seq = (seq + r.zigzag()) >>> 0;
      cmd.seq = seq;
    }
    if (flags & CommandBit.target) {
      cmd.target = { x: r.f64(), y: r.f64() };
    } else if (flags & CommandBit.moveLevels) {
      const lx = signed(r.u8());
      const ly = signed(r.u8());
      cmd.move = { x: axisOfLevel(lx), y: axisOfLevel(ly) };
    } else if (flags & CommandBit.move) {
      cmd.move = { x: r.f32(), y: r.f32() };
    }
    if (flags & CommandBit.attack) {
      cmd.attack = true;
      if (flags & CommandBit.viewTime) cmd.viewTimeS = r.f64();
    }
    queue.push(cmd);
  }
  return queue;
}
