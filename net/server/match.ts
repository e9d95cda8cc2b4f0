// A match: one battle world, stepped at a fixed rate, with its players and what they are sent.
import { createBattleWorld, step, type BattleRules, type BattleWorld, type System } from '../../engine';
import { createBroadcaster, defaultInterest, type InterestOptions } from './broadcast';
import { defaultLimits, type RateLimits } from './limits';
import { createSessions, type Sessions } from './sessions';
import { createSpectators, DEFAULT_SPECTATOR_CAP, type Spectators } from './spectators';
import type { GameNamespace, Session } from './session';
import type { Logger } from './logger';
import type { ServerTickTimes } from '../wire';

/** A match's recording as the match drives it (see match-recording.ts). */
export interface MatchRecording {
  /** Records a player's name (on join and rename), for viewers. */
  name(netId: number, name: string): void;
  /** Ends the recording (the match is gone). */
  close(): void;
  /** Milliseconds the recorder has spent inside ticks so far (see `Recorder.busyMs`). */
  readonly busyMs: number;
}

/** Options of `createMatch`. */
export interface MatchOptions {
  /** The game's rules. */
  rules: BattleRules;
  /** Ticks per second. Default 30. */
  tickRate?: number;
  /** RNG seed of the match. */
  seed?: number;
  /** Entity capacity. Default 4096. */
  capacity?: number;
  /** Systems of a tick; default the engine's battle systems. */
  systems?: System<BattleWorld>[];
  /** Where joins, drops, kicks and failures are logged. */
  logger: Logger;
  /** The Socket.IO namespace the match's players connect to (rooms are used for broadcasts). */
  nsp: GameNamespace;
  /** How long a dropped engine player is kept for its client to come back (ms). Default 15 000. */
  graceMs?: number;
  /** Per-connection rate limits; defaults in `defaultLimits`. */
  limits?: Partial<RateLimits>;
  /** What each delta client is sent: view square, hysteresis, heartbeat. */
  interest?: Partial<InterestOptions>;
  /**
   * Id of the match; its rooms are named after it (`<id>:classic`…) so that the matches of one
   * process never hear each other. Default none: the rooms of a process with one match.
   */
  id?: string;
  /** Most spectators watching at once. Default 50. */
  spectatorCap?: number;
  /** Told when a new player joins. */
  onJoined?(session: Session): void;
  /** Told when a player is removed for good. */
  onLeft?(session: Session): void;
  /**
   * Starts a recording of the match's world from its state after the current tick. The match calls
   * it when a player is in and no recording runs: an empty match records nothing, and a match that
   * empties closes its file, so a match that lives for days (`npm start`'s default) leaves one file
   * per stretch of play instead of one that grows without end.
   */
  record?(world: BattleWorld): MatchRecording | undefined;
  /** Longest stretch (seconds of match time) one recording covers before the match starts the next. Default 3600. */
  recordingSegmentS?: number;
}

/** Counters a match keeps for logs and metrics. */
export interface MatchStats {
  /** Ticks run. */
  ticks: number;
  /** Messages received from clients, valid or not. */
  received: number;
  /** Messages refused by validation. */
  rejected: number;
  /** Messages dropped by rate limits. */
  dropped: number;
  /** Connections closed for abuse. */
  kicked: number;
  /** Players resumed after a drop. */
  resumed: number;
  /** Payload bytes of engine state messages sent (before framing). */
  stateBytes: number;
  /** Engine state messages sent. */
  stateMessages: number;
  /** Of those, messages whose body was built once and shared with other clients that tick. */
  sharedMessages: number;
  /** Classic event messages sent (per recipient). */
  classicMessages: number;
  /** Milliseconds of ticks spent recording the match (inside steps, plus starting and closing files). */
  recordingMs: number;
}

/** One battle: a world, the players in it, and what each is sent after a tick. */
export interface Match {
  /** The authoritative world. */
  readonly world: BattleWorld;
  /** The players and the connections they are on: join, drop, resume, remove. */
  readonly sessions: Sessions;
  /** Connections watching without playing (no entity, no seat, never counted as players). */
  readonly spectators: Spectators;
  /** Counters for logs and metrics. */
  readonly stats: MatchStats;
  /** Runs one tick and sends its results. */
  tick(): void;
  /** Runs one tick and builds its messages (first half of `tick`). */
  simulate(): void;
  /** Writes the messages `simulate` built (second half of `tick`). */
  send(): void;
  /** Server clock in ms on the same time line as ticks (tick × dt × 1000). */
  now(): number;
  /** What recent ticks cost, smoothed: answered with clock probes for clients' net graphs. */
  readonly tickTimes: Readonly<ServerTickTimes>;
  /** Cancels grace timers and ends the recording (the match is disposed). */
  close(): void;
  /** Room every connection of this match is in (for match-wide notices). */
  readonly room: string;
}

/**
 * Creates a match. Nothing runs until its owner calls `tick`.
 * @throws if the rules, tick rate or capacity are invalid.
 */
export function createMatch(options: MatchOptions): Match {
  const tickRate = options.tickRate ?? 30;
  const log = options.logger;
  const world = createBattleWorld({
    rules: options.rules,
    dt: 1 / tickRate,
    seed: options.seed,
    capacity: options.capacity,
    systems: options.systems,
    // A throwing system must not take the whole server down: log it, finish the tick.
    onError: (error, system) => log.error({ err: error, system: system.name }, 'system threw; tick continues'),
  });
  let recording: MatchRecording | undefined;
  // Tick the current recording started at, or (none running) the first tick a new one may start.
  let recordingTick = 0;
  const segmentTicks = Math.max(1, Math.round((options.recordingSegmentS ?? 3600) * tickRate));
  const stats: MatchStats = {
    ticks: 0, received: 0, rejected: 0, dropped: 0, kicked: 0, resumed: 0,
    stateBytes: 0, stateMessages: 0, sharedMessages: 0, classicMessages: 0, recordingMs: 0,
  };
  let lastTickAt = performance.now();
  const tickTimes: ServerTickTimes = { simulateMs: 0, sendMs: 0 };
  // Exponential smoothing over roughly the last second of ticks.
  const smooth = (prev: number, sample: number): number => prev + (sample - prev) * (2 / (tickRate + 1));
  const rooms = options.id === undefined
    ? { delta: 'delta', classic: 'classic', all: 'players' }
    : { delta: `${options.id}:delta`, classic: `${options.id}:classic`, all: `${options.id}:all` };

  const broadcaster = createBroadcaster(world, options.nsp, stats, (eid) => sessions.publicIdOf(eid), { ...defaultInterest, ...options.interest }, rooms.classic);
  const sessions = createSessions({
    world,
    rules: options.rules,
    tickRate,
    nsp: options.nsp,
    log,
    graceMs: options.graceMs ?? 15_000,
    limits: { ...defaultLimits, ...options.limits },
    inbound: {
      world, log, now, count: (what) => void stats[what]++, tickTimes: () => tickTimes,
      rename: (session, name) => {
        if (session.name !== name) recording?.name(session.netId, name);
        sessions.rename(session, name);
      },
    },
    classicPosition: (eid) => broadcaster.classicPosition(eid),
    announcePosition: (eid) => broadcaster.announcePosition(eid),
    stats,
    rooms,
    onJoined: (session) => {
      recording?.name(session.netId, session.name);
      options.onJoined?.(session);
    },
    onLeft: options.onLeft,
  });

  const limits = { ...defaultLimits, ...options.limits };
  const spectators = createSpectators({
    matchId: options.id ?? '', world, rules: options.rules, tickRate, cap: options.spectatorCap ?? DEFAULT_SPECTATOR_CAP,
    limits, log, rooms, now, tickTimes: () => tickTimes, count: (what) => void stats[what]++,
    roster: () => [...sessions.byToken.values()].map((s) => [s.netId, s.name]),
  });

  function now(): number {
    return world.time.elapsed * 1000 + (performance.now() - lastTickAt);
  }

  function simulate(): void {
    const started = performance.now();
    const recordedBefore = recording?.busyMs ?? 0;
    step(world);
    lastTickAt = performance.now();
    stats.ticks++;
    if (recording !== undefined) stats.recordingMs += recording.busyMs - recordedBefore;
    reconcileRecording();
    broadcaster.build(sessions.byToken.values(), spectators.viewers());
    tickTimes.simulateMs = smooth(tickTimes.simulateMs, performance.now() - started);
  }

  // Between two steps, so that a new recording starts from a whole tick: its first checkpoint
  // holds every player already in, and what happens next is journaled from there.
  function reconcileRecording(): void {
    if (options.record === undefined) return;
    const startedAt = performance.now();
    const tick = world.time.tick;
    const players = sessions.byToken.size;
    if (recording !== undefined && (players === 0 || tick - recordingTick >= segmentTicks)) {
      recording.close();
      recording = undefined;
      recordingTick = tick;
      stats.recordingMs += performance.now() - startedAt;
    }
    if (recording !== undefined || players === 0 || tick < recordingTick) return;
    recording = options.record(world);
    // Not recorded (the store failed, and logged it): try again a segment later, not every tick.
    recordingTick = recording === undefined ? tick + segmentTicks : tick;
    for (const session of sessions.byToken.values()) recording?.name(session.netId, session.name);
    stats.recordingMs += performance.now() - startedAt;
  }

  function send(): void {
    const started = performance.now();
    sessions.sendNames();
    broadcaster.send();
    tickTimes.sendMs = smooth(tickTimes.sendMs, performance.now() - started);
  }

  return {
    world,
    sessions,
    spectators,
    stats,
    tick() {
      simulate();
      send();
    },
    simulate,
    send,
    now,
    tickTimes,
    close() {
      sessions.close();
      recording?.close();
      recording = undefined;
    },
    room: rooms.all,
  };
}
