// Match types (what an embedding game defines) and the matches of one process: each its own world,
// seed, sessions and rooms; one process-wide timer advances every match's own scheduler. A match
// empty for `emptyDisposeMs` is disposed; one whose end condition fires tells its players the
// result (`match_ended`) and is disposed too: its players matchmake again for the next round.
// One file over 250 lines because it is one lifecycle: a type's hooks and end condition are what
// the host calls as it creates, ticks and disposes of matches, and they are typed by its HostedMatch.
import { randomInt } from 'node:crypto';
import {
  createScheduler, getStore, query, Player, Score, NetId,
  type BattleRules, type BattleWorld, type Scheduler, type System,
} from '../../engine';
import { DeltaEvents, type MatchEnded } from '../wire';
import { createMatch, type Match, type MatchOptions, type MatchRecording } from './match';
import type { Session } from './session';
import type { Logger } from './logger';

/** A kind of match a game offers: its rules, systems, capacity, hooks and end condition. */
export interface MatchType {
  /** Name players ask for in `POST /matchmake {"type": …}`; letters, digits, `_`, `-`. */
  name: string;
  /** Rules of its matches, the map included. */
  rules: BattleRules;
  /** Systems of a tick; default the engine's battle systems. */
  systems?: System<BattleWorld>[];
  /** Most players in one match (seats are never handed out beyond it). */
  capacity: number;
  /** Entity capacity of each world. Default 4096 (or the server's `capacity`). */
  worldCapacity?: number;
  /** Most spectators watching one match. Default the server's `spectatorCap` (50). */
  spectatorCap?: number;
  /** Lifecycle hooks; a throwing hook is logged and ignored. */
  hooks?: MatchHooks;
  /** Checked after every tick; when it returns a result the match ends (see `MatchEnd`). */
  end?: MatchEnd;
  /** False: matches of this type are never recorded. Default true (when the server records). */
  record?: boolean;
}

/** Lifecycle hooks of a match type. */
export interface MatchHooks {
  /** The match was created (before its first tick): add entities, set state. */
  created?(match: HostedMatch): void;
  /** A new player joined (not called when a dropped player resumes). */
  playerJoined?(match: HostedMatch, session: Session): void;
  /** A player left for good. */
  playerLeft?(match: HostedMatch, session: Session): void;
  /** The match is gone: ended, empty for too long, or the server closed. */
  disposed?(match: HostedMatch, reason: string): void;
}

/** An end condition: the reason the match ends now (e.g. 'time'), or undefined to play on. */
export type MatchEnd = (match: HostedMatch) => string | undefined;

/** Ends a match `seconds` of simulated time after it was created. */
export function roundTimer(seconds: number): MatchEnd {
  return (m) => (m.match.world.time.elapsed >= seconds ? 'time' : undefined);
}

/** Ends a match as soon as one player has `kills` kills. */
export function scoreLimit(kills: number): MatchEnd {
  return (m) => {
    const world = m.match.world;
    const score = getStore(world, Score);
    for (const eid of query(world, [getStore(world, Player), score])) if (score.kills[eid]! >= kills) return 'score';
    return undefined;
  };
}

/** One match of this process. */
export interface HostedMatch {
  /** Registry id, also the prefix of its Socket.IO rooms. */
  readonly id: string;
  /** The type it was created from. */
  readonly type: MatchType;
  /** Its world, sessions and counters. */
  readonly match: Match;
  /** Seed of its world's RNG. */
  readonly seed: number;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Players in it (connected or within their grace window). */
  readonly players: number;
  /** Spectators watching it (never counted as players: they hold no seat and keep no match alive). */
  readonly spectators: number;
  /** True once disposed. */
  readonly disposed: boolean;
}

/** Options of `createMatchHost`. */
export interface MatchHostOptions {
  /** Ticks per second of every match. */
  tickRate: number;
  /** Where matches log (each with its id and type). */
  logger: Logger;
  /** Everything of `createMatch` a type does not set (namespace, grace, limits, interest). */
  matchDefaults: Omit<MatchOptions, 'rules' | 'systems' | 'seed' | 'id' | 'onJoined' | 'onLeft' | 'logger' | 'tickRate' | 'record'>;
  /** Seed of the first match (tests); later ones are random. */
  seed?: number;
  /** A match empty this long is disposed. Default 30 000 ms. */
  emptyDisposeMs?: number;
  /** Told when a player leaves a match for good (registry upkeep). */
  onPlayerLeft?(match: HostedMatch, session: Session): void;
  /** Told when a match is disposed (registry upkeep, metrics). */
  onDisposed?(match: HostedMatch, reason: string): void;
  /** Times each tick of a match (seconds: simulate + build, then write). */
  observeTick?(type: string, simulateSeconds: number, writeSeconds: number): void;
  /** Starts the recording of a new match's world (undefined: not recorded). */
  record?(world: BattleWorld, match: { id: string; type: string }): MatchRecording | undefined;
}

/** The matches of a process and the loop that ticks them. */
export interface MatchHost {
  /** Live matches by id. */
  readonly matches: ReadonlyMap<string, HostedMatch>;
  /** Creates a match of `type` under `id` (the registry's). @throws if the rules are invalid. */
  create(type: MatchType, id: string, options?: { keep?: boolean }): HostedMatch;
  /** The match holding session `token`, if any. */
  byToken(token: string): HostedMatch | undefined;
  /** Players in every match. */
  players(): number;
  /** Disposes of a match: tells no one, disconnects its players, calls the hook. */
  dispose(id: string, reason: string): void;
  /** Ends a match now: `match_ended` with the result to every player, then disposal. */
  end(id: string, reason: string): void;
  /** Starts the loop. */
  start(): void;
  /** Stops the loop. */
  stop(): void;
  /** Stops the loop and disposes of every match. */
  close(reason: string): void;
}

interface Entry extends HostedMatch {
  scheduler: Scheduler;
  emptyTimer?: ReturnType<typeof setTimeout>;
  keep: boolean;
  isDisposed: boolean;
}

const safely = (log: Logger, what: string, fn: () => void): void => {
  try {
    fn();
  } catch (error) {
    log.error({ err: error }, `${what} hook threw`);
  }
};

/** Creates the match host of a process; nothing ticks until `start`. */
export function createMatchHost(options: MatchHostOptions): MatchHost {
  const log = options.logger;
  const emptyMs = options.emptyDisposeMs ?? 30_000;
  const matches = new Map<string, Entry>();
  let firstSeed = options.seed;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  const tickMs = 1000 / options.tickRate;

  const armEmpty = (entry: Entry): void => {
    clearTimeout(entry.emptyTimer);
    entry.emptyTimer = undefined;
    if (entry.keep || entry.isDisposed || entry.match.sessions.byToken.size > 0) return;
    entry.emptyTimer = setTimeout(() => {
      if (entry.match.sessions.byToken.size === 0) host.dispose(entry.id, 'empty');
    }, emptyMs);
  };

  const endIfOver = (entry: Entry): void => {
    const end = entry.type.end;
    if (end === undefined || entry.isDisposed) return;
    let reason: string | undefined;
    try {
      reason = end(entry);
    } catch (error) {
      log.error({ err: error, match: entry.id }, 'end condition threw; match plays on');
    }
    if (reason !== undefined) host.end(entry.id, reason);
  };

  const loop = (): void => {
    if (!running) return;
    let wait = tickMs;
    for (const entry of [...matches.values()]) {
      try {
        entry.scheduler.advance();
      } catch (error) {
        // A tick that throws past the world's own error handling costs that tick, not the loop.
        log.error({ err: error, match: entry.id }, 'tick failed');
      }
      endIfOver(entry);
      if (!entry.isDisposed) wait = Math.min(wait, entry.scheduler.untilNext());
    }
    timer = setTimeout(loop, Math.max(0, wait));
  };

  const host: MatchHost = {
    matches,
    create(type, id, createOptions = {}) {
      const seed = firstSeed ?? randomInt(2 ** 31);
      firstSeed = undefined;
      // eslint-disable-next-line prefer-const
      let entry: Entry;
      const match = createMatch({
        ...options.matchDefaults,
        rules: type.rules,
        systems: type.systems,
        capacity: type.worldCapacity ?? options.matchDefaults.capacity,
        spectatorCap: type.spectatorCap ?? options.matchDefaults.spectatorCap,
        tickRate: options.tickRate,
        seed,
        id,
        logger: log.child({ match: id, type: type.name }),
        onJoined: (session) => {
          clearTimeout(entry.emptyTimer);
          entry.emptyTimer = undefined;
          safely(log, 'playerJoined', () => type.hooks?.playerJoined?.(entry, session));
        },
        onLeft: (session) => {
          safely(log, 'playerLeft', () => type.hooks?.playerLeft?.(entry, session));
          options.onPlayerLeft?.(entry, session);
          armEmpty(entry);
        },
        record: type.record === false || options.record === undefined ? undefined : (world) => options.record!(world, { id, type: type.name }),
      });
      const scheduler = createScheduler({
        dt: 1 / options.tickRate,
        now: () => performance.now(),
        tick: () => {
          const started = performance.now();
          match.simulate();
          const built = performance.now();
          match.send();
          options.observeTick?.(type.name, (built - started) / 1000, (performance.now() - built) / 1000);
        },
      });
      entry = {
        id, type, match, seed, createdAt: Date.now(), scheduler, keep: createOptions.keep === true, isDisposed: false,
        get players() {
          return match.sessions.byToken.size;
        },
        get spectators() {
          return match.spectators.count;
        },
        get disposed() {
          return this.isDisposed;
        },
      };
      matches.set(id, entry);
      safely(log, 'created', () => type.hooks?.created?.(entry));
      armEmpty(entry);
      log.info({ match: id, type: type.name, seed }, 'match created');
      return entry;
    },
    byToken(token) {
      for (const entry of matches.values()) if (entry.match.sessions.byToken.has(token)) return entry;
      return undefined;
    },
    players() {
      let n = 0;
      for (const entry of matches.values()) n += entry.match.sessions.byToken.size;
      return n;
    },
    dispose(id, reason) {
      const entry = matches.get(id);
      if (entry === undefined || entry.isDisposed) return;
      entry.isDisposed = true;
      matches.delete(id);
      clearTimeout(entry.emptyTimer);
      for (const session of [...entry.match.sessions.byToken.values()]) entry.match.sessions.remove(session);
      entry.match.spectators.end(reason);
      entry.match.close();
      safely(log, 'disposed', () => entry.type.hooks?.disposed?.(entry, reason));
      options.onDisposed?.(entry, reason);
      log.info({ match: id, type: entry.type.name, reason }, 'match disposed');
    },
    end(id, reason) {
      const entry = matches.get(id);
      if (entry === undefined || entry.isDisposed) return;
      const result = matchResult(entry, reason);
      options.matchDefaults.nsp.to(entry.match.room).emit(DeltaEvents.matchEnded, result);
      log.info({ match: id, reason, top: result.scores[0] }, 'match ended');
      // The result leaves before the disconnects (same socket, same order).
      host.dispose(id, `ended: ${reason}`);
    },
    start() {
      if (running) return;
      running = true;
      loop();
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
    close(reason) {
      host.stop();
      for (const id of [...matches.keys()]) host.dispose(id, reason);
    },
  };
  return host;
}

/** The result sent in `match_ended`: every player's score, most kills first. */
function matchResult(entry: Entry, reason: string): MatchEnded {
  const world = entry.match.world;
  const score = getStore(world, Score);
  const netId = getStore(world, NetId);
  const scores: MatchEnded['scores'] = [];
  for (const session of entry.match.sessions.byToken.values()) {
    scores.push({ id: netId.id[session.eid]!, sid: session.publicId, kills: score.kills[session.eid]!, deaths: score.deaths[session.eid]! });
  }
  scores.sort((a, b) => b.kills - a.kills || a.deaths - b.deaths);
  return { matchId: entry.id, type: entry.type.name, reason, scores };
}
