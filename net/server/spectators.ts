// The spectators of a match: connections that watch without playing. A spectator has no entity,
// holds no seat and is in no roster or player count; it is sent the delta protocol's state like a
// player, but sees every player (see NO_ENTITY), and every game event it sends is refused.
import type { BattleRules, BattleWorld } from '../../engine';
import { ClassicEvents, DeltaEvents, ErrorCodes, PROTOCOL_VERSION, type ErrorCode, type NameEntry, type ServerTickTimes } from '../wire';
import { cooldownOf } from './cooldown';
import { createGuard, type Guard, type RateLimits } from './limits';
import type { Logger } from './logger';
import { NO_ENTITY, type GameSocket, type Viewer } from './session';
import { checkTime } from './validate';

/** Spectators a match takes unless its type or the server says otherwise. */
export const DEFAULT_SPECTATOR_CAP = 50;

/** One spectator: a viewer with no player, and the rate limits of its connection. */
interface Spectator extends Viewer {
  socket: GameSocket;
  guard: Guard;
}

/** What the spectators of a match need from it. */
export interface SpectatorsOptions {
  /** The match's id, told to spectators in their welcome and when it is gone. */
  matchId: string;
  world: BattleWorld;
  /** Sent in every spectator's welcome. */
  rules: BattleRules;
  tickRate: number;
  /** Most spectators at once. */
  cap: number;
  /** Rate limits every spectator connection gets. */
  limits: RateLimits;
  log: Logger;
  /** Rooms joined: `delta` (name changes) and `all` (match-wide notices such as match_ended). */
  rooms: { delta: string; all: string };
  /** Every player's name, sent after the welcome. */
  roster(): NameEntry[];
  /** Server clock (ms) answered to clock probes. */
  now(): number;
  /** Recent tick costs, answered with each clock probe. */
  tickTimes(): ServerTickTimes;
  /** Counts a message received, refused or dropped, or a connection kicked. */
  count(what: 'received' | 'rejected' | 'dropped' | 'kicked'): void;
}

/** The spectators of one match. */
export interface Spectators {
  /** Spectators connected now. */
  readonly count: number;
  /** Most spectators at once. */
  readonly cap: number;
  /** The connected spectators, for the broadcaster. */
  viewers(): Iterable<Viewer>;
  /**
   * Adds a spectator on `socket` and welcomes it; when the match is at its cap the socket is told
   * `spectators_full` and disconnected instead. Returns whether it was added.
   */
  join(socket: GameSocket): boolean;
  /** The spectator's connection is gone. */
  drop(socket: GameSocket): void;
  /** The match is gone: every spectator is told `spectate_ended` with `reason`, then disconnected. */
  end(reason: string): void;
}

// Game events a spectator may not send: refused as read-only rather than as unknown.
const GAME_EVENTS = new Set<string>([DeltaEvents.input, ClassicEvents.move, ClassicEvents.attack, ClassicEvents.setName]);

/** Creates the (empty) spectator list of a match. */
export function createSpectators(options: SpectatorsOptions): Spectators {
  const { log } = options;
  const bySocketId = new Map<string, Spectator>();
  const clock = (): number => performance.now();

  function refuse(spectator: Spectator, code: ErrorCode, event: string, message: string, what: 'rejected' | 'dropped'): void {
    const { socket } = spectator;
    options.count(what);
    if (spectator.guard.strike()) {
      options.count('kicked');
      log.warn({ sid: socket.id, reason: message }, 'spectator kicked');
      cooldownOf(socket).kicked(socket.handshake.address, undefined);
      socket.emit('error', { code: ErrorCodes.kicked, event: '', message: `too many refused messages (last: ${event}: ${message})` });
      socket.disconnect(true);
      return;
    }
    if (spectator.guard.mayReply()) socket.emit('error', { code, event, message });
  }

  function attach(spectator: Spectator): void {
    const { socket } = spectator;
    socket.onAny((event: unknown, ...args: unknown[]) => {
      // Messages read in the same batch as the one that got it kicked still arrive: ignore them.
      if (!socket.connected) return;
      options.count('received');
      const name = typeof event === 'string' ? event.slice(0, 64) : typeof event;
      try {
        const isProbe = event === DeltaEvents.time;
        if (spectator.guard.admit(!isProbe) === 'dropped') {
          return refuse(spectator, ErrorCodes.rateLimited, name, 'rate limit exceeded; message dropped', 'dropped');
        }
        if (isProbe) {
          const [payload, ack] = args;
          const checked = checkTime(payload);
          if (!checked.ok) return refuse(spectator, ErrorCodes.badInput, name, checked.message, 'rejected');
          if (typeof ack !== 'function') return refuse(spectator, ErrorCodes.badInput, name, 'clock probe needs an ack', 'rejected');
          ack(options.now(), options.tickTimes());
          return;
        }
        if (typeof event === 'string' && GAME_EVENTS.has(event)) {
          return refuse(spectator, ErrorCodes.spectatorReadOnly, name, 'spectators only watch: game events are refused', 'rejected');
        }
        refuse(spectator, ErrorCodes.unknownEvent, name, 'unknown event', 'rejected');
      } catch (error) {
        log.error({ err: error, sid: socket.id, event: name }, 'spectator handler threw');
      }
    });
  }

  return {
    get count() {
      return bySocketId.size;
    },
    cap: options.cap,
    viewers: () => bySocketId.values(),
    join(socket) {
      if (bySocketId.size >= options.cap) {
        socket.emit('error', { code: ErrorCodes.spectatorsFull, event: '', message: `this match takes ${options.cap} spectators` });
        socket.disconnect(true);
        return false;
      }
      const spectator: Spectator = {
        socket, eid: NO_ENTITY, needsFull: true, replication: { seen: new Set(), sent: { tick: 0, ack: 0 } },
        guard: createGuard(options.limits, clock),
      };
      bySocketId.set(socket.id, spectator);
      attach(spectator);
      void socket.join([options.rooms.delta, options.rooms.all]);
      socket.emit(DeltaEvents.welcome, {
        protocol: PROTOCOL_VERSION, id: 0, sid: socket.id, token: '', graceMs: 0, resumed: false,
        tickRate: options.tickRate, tick: options.world.time.tick, rules: options.rules, name: '',
        spectator: { matchId: options.matchId, spectators: bySocketId.size },
      });
      socket.emit(DeltaEvents.names, options.roster());
      log.info({ sid: socket.id, spectators: bySocketId.size }, 'spectator joined');
      return true;
    },
    drop(socket) {
      if (bySocketId.get(socket.id)?.socket !== socket) return;
      bySocketId.delete(socket.id);
      log.info({ sid: socket.id, spectators: bySocketId.size }, 'spectator left');
    },
    end(reason) {
      for (const { socket } of [...bySocketId.values()]) {
        socket.emit(DeltaEvents.spectateEnded, { matchId: options.matchId, reason });
        socket.disconnect(true);
      }
      bySocketId.clear();
    },
  };
}

/**
 * The match a handshake asks to watch: `auth.spectate`, or the query's `spectate` (what the
 * cluster's gateway routes by); undefined when it asks to play.
 */
export function readSpectate(handshake: { auth?: unknown; query?: unknown }): string | undefined {
  const pick = (o: unknown): unknown => (typeof o === 'object' && o !== null ? (o as { spectate?: unknown }).spectate : undefined);
  const asked = pick(handshake.auth) ?? pick(handshake.query);
  return typeof asked === 'string' && asked.length > 0 && asked.length <= 64 ? asked : undefined;
}
