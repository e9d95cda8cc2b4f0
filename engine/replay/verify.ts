// Checking a recording: re-simulate it from its first checkpoint and compare every tick's hash;
// at the first mismatch, name the entity, component and field at the next checkpoint.
import type { BattleWorld } from '../battle';
import { diffCheckpoint } from './diff';
import { ReplayFormatError } from './errors';
import { hashWorld } from './hash';
import { parseReplay, type ParsedReplay } from './parse';
import { createPlayer, type ReplayOptions } from './replay';

/** What `verifyReplay` found. */
export interface VerifyResult {
  /** Every recorded tick replayed to the recorded hash, and the file is whole (closed, not cut). */
  ok: boolean;
  /** Recorded ticks replayed. */
  ticks: number;
  /** Of those, ticks whose hash was recorded and compared (all of them unless recorded with `hashEveryTicks`). */
  hashedTicks: number;
  /** Players seen: those at the start plus those who joined. */
  players: number;
  /** Simulated seconds recorded. */
  durationS: number;
  /** Size of the file. */
  bytes: number;
  /** First tick whose hash differed, or null (with `hashEveryTicks`, the first hashed tick at or after the divergence). */
  firstMismatchTick: number | null;
  /** The first differing state, found at the first checkpoint at or after the mismatch. */
  mismatch?: { tick: number; entity: number; netId?: number; component: string; field: string; expected: number; actual: number; checkpointTick: number };
  /** Why the file is not ok when it is not a hash mismatch (corrupt, truncated, does not replay). */
  error?: string;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Re-simulates a recording and compares every tick's hash with the recorded one. Never throws. */
export function verifyReplay(bytes: Uint8Array, options: ReplayOptions = {}): VerifyResult {
  const result: VerifyResult = { ok: false, ticks: 0, hashedTicks: 0, players: 0, durationS: 0, bytes: bytes.length, firstMismatchTick: null };
  let parsed: ParsedReplay;
  try {
    parsed = parseReplay(bytes);
  } catch (error) {
    result.error = message(error);
    return result;
  }
  const { header, steps } = parsed;
  result.durationS = steps.length * header.dtS;
  try {
    const player = createPlayer(parsed, options);
    const world: BattleWorld = player.world;
    result.players = player.world.inputs.size + steps.reduce((n, s) => n + s.outside.filter((c) => c.kind === 'spawn').length, 0);
    const checkpointAt = new Map(parsed.checkpoints.map((c, i) => [c.tick, i]));
    for (const recorded of steps) {
      player.advance();
      result.ticks++;
      if (recorded.hash !== undefined) {
        result.hashedTicks++;
        if (result.firstMismatchTick === null && hashWorld(world) !== recorded.hash) result.firstMismatchTick = recorded.tick;
      }
      const cp = checkpointAt.get(recorded.tick);
      if (result.firstMismatchTick !== null && cp !== undefined) {
        const diff = diffCheckpoint(world, player.checkpointState(cp));
        if (diff !== null) {
          result.mismatch = { tick: result.firstMismatchTick, ...diff, checkpointTick: recorded.tick };
          break;
        }
      }
    }
    if (result.firstMismatchTick !== null && result.mismatch === undefined) {
      result.error = `tick ${result.firstMismatchTick} hashed differently, and no later checkpoint shows a difference in stored state`;
    }
  } catch (error) {
    result.error = error instanceof ReplayFormatError ? error.message : `replay failed at tick ${header.startTick + result.ticks + 1}: ${message(error)}`;
    return result;
  }
  if (result.firstMismatchTick === null && result.error === undefined) {
    if (parsed.truncated) result.error = 'the file ends mid-chunk (cut short or still being written); every tick before the cut matched';
    else if (!parsed.ended) result.error = 'the file has no end marker (the recorder was not closed); every recorded tick matched';
  }
  result.ok = result.firstMismatchTick === null && result.error === undefined;
  return result;
}
