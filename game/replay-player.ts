// Playback of a recorded match: a clock that steps the replay at 0.25× to 8×, seeks by jumping to
// a checkpoint and stepping, and keeps the kills of the last few seconds for the kill feed. No DOM:
// the viewer page drives it from requestAnimationFrame, tests drive it directly.
//
// The kill feed at a tick needs the kills of the seconds before it, which a seek from a checkpoint
// does not step through. A second replay of the same file (`scan`) walks the whole match in the
// background and indexes every kill; up to where it has reached, a seek is the engine's seek alone.
// Beyond it, a seek starts stepping early enough to see the feed's window.
import { getStore, NetId, type BattleEvent, type BattleWorld } from '../engine';
import type { Replay } from '../engine/replay';

/** Playback speeds offered, slowest first. */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const;

/** How far back (s) the kill feed reaches. */
export const FEED_WINDOW_S = 5;

/** At most this much replay time (s) is stepped per `advance`: a stalled tab does not freeze for long on return. */
const MAX_ADVANCE_S = 1;

/** A kill in the feed, by NetId (entity ids are reused, NetIds never are). */
export interface FeedKill {
  /** The tick the kill happened on. */
  tick: number;
  /** NetId of who is credited the kill. */
  attacker: number;
  /** NetId of who died. */
  victim: number;
}

/** Called after every tick the player steps, seeking included (`seeking` true then). */
export type StepListener = (world: BattleWorld, events: readonly BattleEvent[], seeking: boolean) => void;

/** A replay under playback control. */
export interface ReplayPlayer {
  /** The replay played. */
  readonly replay: Replay;
  /** The tick the replay's world is at. */
  readonly tick: number;
  /** True while playing. */
  readonly playing: boolean;
  /** The playback speed, one of `SPEEDS`. */
  readonly speed: number;
  /** Milliseconds of match time per tick. */
  readonly tickMs: number;
  /** How far (0 to 1) playback is between `tick` and the next: for drawing in between. */
  readonly alpha: number;
  /** Wall-clock time (ms) the last `seek` took, NaN before the first. */
  readonly lastSeekMs: number;
  /** Starts playing (from the start again when at the end). */
  play(): void;
  /** Pauses. */
  pause(): void;
  /** Plays when paused, pauses when playing. */
  toggle(): void;
  /** Sets the speed to the nearest of `SPEEDS`. */
  setSpeed(speed: number): void;
  /** Moves the speed one step along `SPEEDS` (+1 faster, -1 slower). */
  changeSpeed(direction: 1 | -1): void;
  /** Shows the exact state of `tick` (clamped to the recording), with the kills before it. */
  seek(tick: number): void;
  /** Advances playback by `elapsedMs` of wall time (times the speed); returns the ticks stepped. */
  advance(elapsedMs: number): number;
  /** The kills of the last `FEED_WINDOW_S` up to `tick`, newest first. */
  kills(): FeedKill[];
  /** Calls `listener` after every step; returns a function that removes it. */
  onStep(listener: StepListener): () => void;
  /** Calls `listener` after every seek and when playback stops or starts. */
  onChange(listener: () => void): () => void;
  /** Moves the background kill index on for about `budgetMs` of wall time; false once it has indexed the whole match. */
  index(budgetMs: number): boolean;
  /** The last tick the kill index covers (the first tick, or earlier, before it starts). */
  readonly indexedTo: number;
}

/** Options of `createReplayPlayer`. */
export interface ReplayPlayerOptions {
  /** A second replay of the same recording, stepped by `index()` to find every kill ahead of time. */
  scan?: Replay;
}

// The kills of the tick `replay` just stepped, by NetId.
function killsOf(replay: Replay, out: FeedKill[]): void {
  const events = replay.world.events as BattleEvent[];
  let netId: { id: Uint32Array } | undefined;
  for (const e of events) {
    if (e.type !== 'kill') continue;
    netId ??= getStore(replay.world, NetId);
    // The victim is still in the world (players respawn); its NetId is read as of this tick.
    out.push({ tick: replay.tick, attacker: netId.id[e.attacker]!, victim: netId.id[e.victim]! });
  }
}

/** Creates a paused player at the replay's first tick. */
export function createReplayPlayer(replay: Replay, options: ReplayPlayerOptions = {}): ReplayPlayer {
  const { scan } = options;
  if (scan !== undefined && (scan === replay || scan.firstTick !== replay.firstTick || scan.lastTick !== replay.lastTick)) {
    throw new Error('Skirmish: the scan must be a second replay of the same recording');
  }
  const tickMs = replay.header.dtS * 1000;
  const feedTicks = Math.round((FEED_WINDOW_S * 1000) / tickMs);
  const stepListeners = new Set<StepListener>();
  const changeListeners = new Set<() => void>();
  // Kills stepped through by this player since its last seek from a checkpoint.
  let feed: FeedKill[] = [];
  // Every kill up to `indexedTo`, in tick order, from the background scan.
  const indexed: FeedKill[] = [];
  let indexedTo = scan === undefined ? replay.firstTick - 1 : scan.tick;
  let playing = false;
  let speed = 1;
  let accumulatedMs = 0;
  let lastSeekMs = Number.NaN;

  const changed = (): void => {
    for (const listener of changeListeners) listener();
  };

  const stepOne = (seeking: boolean): void => {
    replay.stepOne();
    if (replay.tick > indexedTo) killsOf(replay, feed);
    for (const listener of stepListeners) listener(replay.world, replay.world.events as BattleEvent[], seeking);
  };

  // The newest checkpoint at or before `tick`: where the replay starts stepping from to reach it.
  const checkpointBefore = (tick: number): number => {
    let best = replay.firstTick;
    for (const t of replay.checkpointTicks) if (t <= tick && t > best) best = t;
    return best;
  };

  const seek = (target: number): void => {
    const tick = Math.max(replay.firstTick, Math.min(replay.lastTick, Math.round(target)));
    const started = performance.now();
    const feedFrom = Math.max(replay.firstTick, tick - feedTicks);
    const current = replay.tick;
    if (tick <= indexedTo) {
      // The index has the feed's kills: the engine's seek (checkpoint, or on from here) is all it takes.
      feed = [];
      if (tick !== current) {
        if (tick < current || tick - current > tick - checkpointBefore(tick)) replay.seek(tick);
        while (replay.tick < tick) stepOne(true);
      }
    } else if (current <= tick && tick - current <= tick - checkpointBefore(feedFrom)) {
      // Forward within reach: stepping on from here is cheaper than from a checkpoint, and keeps the feed.
      while (replay.tick < tick) stepOne(true);
    } else {
      // From early enough that the kills of the feed's window are stepped through again.
      feed = [];
      replay.seek(feedFrom);
      while (replay.tick < tick) stepOne(true);
    }
    feed = feed.filter((k) => k.tick > tick - feedTicks && k.tick <= tick);
    accumulatedMs = 0;
    lastSeekMs = performance.now() - started;
    changed();
  };

  return {
    replay,
    get tick() {
      return replay.tick;
    },
    get playing() {
      return playing;
    },
    get speed() {
      return speed;
    },
    tickMs,
    get alpha() {
      return playing ? Math.min(1, accumulatedMs / tickMs) : 0;
    },
    get lastSeekMs() {
      return lastSeekMs;
    },
    play() {
      if (playing) return;
      if (replay.tick >= replay.lastTick) seek(replay.firstTick);
      playing = true;
      accumulatedMs = 0;
      changed();
    },
    pause() {
      if (!playing) return;
      playing = false;
      accumulatedMs = 0;
      changed();
    },
    toggle() {
      if (playing) this.pause();
      else this.play();
    },
    setSpeed(next) {
      let best: number = SPEEDS[0];
      for (const s of SPEEDS) if (Math.abs(Math.log(s / next)) < Math.abs(Math.log(best / next))) best = s;
      speed = best;
      changed();
    },
    changeSpeed(direction) {
      const i = SPEEDS.indexOf(speed as (typeof SPEEDS)[number]);
      speed = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, i + direction))]!;
      changed();
    },
    seek,
    advance(elapsedMs) {
      if (!playing || !(elapsedMs > 0)) return 0;
      accumulatedMs = Math.min(accumulatedMs + elapsedMs * speed, MAX_ADVANCE_S * 1000 * speed);
      let stepped = 0;
      while (accumulatedMs >= tickMs && replay.tick < replay.lastTick) {
        stepOne(false);
        accumulatedMs -= tickMs;
        stepped++;
      }
      if (stepped > 0) feed = feed.filter((k) => k.tick > replay.tick - feedTicks);
      if (replay.tick >= replay.lastTick) {
        playing = false;
        accumulatedMs = 0;
        changed();
      }
      return stepped;
    },
    kills() {
      const now = replay.tick;
      const from = now - feedTicks;
      const out: FeedKill[] = [];
      // Indexed ticks from the index, later ones from what this player stepped through.
      for (let i = indexed.length - 1; i >= 0 && indexed[i]!.tick > from; i--) if (indexed[i]!.tick <= now) out.push(indexed[i]!);
      const stepped = feed.filter((k) => k.tick > indexedTo && k.tick > from && k.tick <= now).reverse();
      return [...stepped, ...out];
    },
    index(budgetMs) {
      if (scan === undefined || scan.tick >= scan.lastTick) return false;
      const until = performance.now() + budgetMs;
      do {
        // Several ticks between clock reads: a tick of a small match takes microseconds.
        for (let i = 0; i < 16 && scan.tick < scan.lastTick; i++) {
          scan.stepOne();
          killsOf(scan, indexed);
        }
        indexedTo = scan.tick;
      } while (scan.tick < scan.lastTick && performance.now() < until);
      return scan.tick < scan.lastTick;
    },
    get indexedTo() {
      return indexedTo;
    },
    onStep(listener) {
      stepListeners.add(listener);
      return () => void stepListeners.delete(listener);
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
  };
}
