// A match: one battle world, stepped at a fixed rate, with its players and what they are sent.
import { createBattleWorld, step, type BattleRules, type BattleWorld, type System } from '../../engine';
import { createBroadcaster, defaultInterest, type InterestOptions } from './broadcast';
import { defaultLimits, type RateLimits } from './limits';
import { createSessions, type Sessions } from './sessions';
import type { GameNamespace, Session } from './session';
import type { Logger } from './logger';
import type { ServerTickTimes } from '../wire';

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
  /** What each engine client is sent: view square, hysteresis, heartbeat. */
  interest?: Partial<InterestOptions>;
  /**
   * Id of the match; its rooms are named after it (`<id>:classic`…) so that the matches of one
   * process never hear each other. Default none: the rooms of a process with one match.
   */
  id?: string;
  /** Told when a new player joins. */
  onJoined?(session: Session): void;
  /** Told when a player is removed for good. */
  onLeft?(session: Session): void;
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
}

/** One battle: a world, the players in it, and what each is sent after a tick. */
export interface Match {
  /** The authoritative world. */
  readonly world: BattleWorld;
  /** The players and the connections they are on: join, drop, resume, remove. */
  readonly sessions: Sessions;
  /** Counters for logs and metrics. */
  readonly stats: MatchStats;
  /** Runs one tick and sends its results. */
  tick(): void;
  /** Runs one tick and builds its messages (first half of `tick`). */
  simulate(): void;
  /** Writes the messages `simulate` built (second half of `tick`). */
  flush(): void;
  /** Server clock in ms on the same time line as ticks (tick × dt × 1000). */
  now(): number;
  /** What recent ticks cost, smoothed: answered with clock probes for clients' net graphs. */
  readonly tickTimes: Readonly<ServerTickTimes>;
  /** Cancels grace timers (the server is closing). */
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
  const stats: MatchStats = {
    ticks: 0, received: 0, rejected: 0, dropped: 0, kicked: 0, resumed: 0,
    stateBytes: 0, stateMessages: 0, sharedMessages: 0, classicMessages: 0,
  };
  let lastTickAt = performance.now();
  const tickTimes: ServerTickTimes = { simulateMs: 0, sendMs: 0 };
  // Exponential smoothing over roughly the last second of ticks.
  const smooth = (prev: number, sample: number): number => prev + (sample - prev) * (2 / (tickRate + 1));
  const rooms = options.id === undefined
    ? { engine: 'engine', classic: 'classic', all: 'players' }
    : { engine: `${options.id}:engine`, classic: `${options.id}:classic`, all: `${options.id}:all` };

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
      rename: (session, name) => sessions.rename(session, name),
    },
    classicPosition: (eid) => broadcaster.classicPosition(eid),
    stats,
    rooms,
    onJoined: options.onJoined,
    onLeft: options.onLeft,
  });

  function now(): number {
    return world.time.elapsed * 1000 + (performance.now() - lastTickAt);
  }

  function simulate(): void {
    const started = performance.now();
    step(world);
    lastTickAt = performance.now();
    stats.ticks++;
    broadcaster.build(sessions.byToken.values());
    tickTimes.simulateMs = smooth(tickTimes.simulateMs, performance.now() - started);
  }

  function flush(): void {
    const started = performance.now();
    broadcaster.send();
    tickTimes.sendMs = smooth(tickTimes.sendMs, performance.now() - started);
  }

  return {
    world,
    sessions,
    stats,
    tick() {
      simulate();
      flush();
    },
    simulate,
    flush,
    now,
    tickTimes,
    close: () => sessions.close(),
    room: rooms.all,
  };
}
