import type { BattleRules } from '../rules';

/** What a replay says about its match before any tick: enough to build the world it replays in. */
export interface ReplayHeader {
  /** `REPLAY_FORMAT_VERSION` of the writer. */
  formatVersion: number;
  /** `ENGINE_VERSION` of the engine that recorded it. */
  engineVersion: string;
  /** The match type's name (e.g. 'classic'), for viewers and listings. */
  matchType: string;
  /** The match's id, for viewers and listings. */
  matchId: string;
  /** The rules the match played by. */
  rules: BattleRules;
  /** Seed of the world's RNG at creation (the first checkpoint holds the RNG state at `startTick`). */
  seed: number;
  /** Ticks per second (1 / `dtS`). */
  tickRate: number;
  /** Seconds per tick, exactly as the world had it (1 / tickRate need not round-trip). */
  dtS: number;
  /** Entity capacity of the world. */
  capacity: number;
  /** World tick when recording began: the first checkpoint's tick. */
  startTick: number;
  /** Wall-clock time recording began (ms since the Unix epoch), for listings; never read by the simulation. */
  startedAtMs: number;
}
