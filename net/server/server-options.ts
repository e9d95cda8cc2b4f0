// What `createServer` takes and what it returns, and how its options resolve to match types.
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'socket.io';
import type { BattleRules, BattleWorld, System } from '../../engine';
import type { Match } from './match';
import type { ClientToServerEvents, ServerToClientEvents, parser } from '../wire';
import type { Logger } from './logger';
import type { ServerMetrics } from './metrics';
import type { RateLimits } from './limits';
import type { InterestOptions } from './broadcast';
import type { HostedMatch, MatchType } from './matches';
import type { Registry } from '../cluster/registry';
import type { RecordingOptions, RecordingStore } from './recordings';

/** Options of `createServer`. Every one has a default fit for play on one machine. */
export interface ServerOptions {
  /**
   * Rules of the default match type (map, speed, damage…), sent to every delta client in its
   * welcome. With `types` too, they define one more type named `defaultType` unless `types`
   * already has one of that name (a type in `types` wins). One of `rules` and `types` is required.
   */
  rules?: BattleRules;
  /** Match types by name (see `MatchType`); players ask for one in `POST /matchmake`. */
  types?: MatchType[];
  /** Type of delta clients that connect with no seat (old clients). Default 'classic', or the only/first type. */
  defaultType?: string;
  /** Type classic JSON clients with no seat are placed in. Default 'classic' if there is one, else `defaultType`. */
  classicType?: string;
  /** A match empty this long is disposed (not the default match of an embedded server). Default 30 000 ms. */
  emptyDisposeMs?: number;
  /**
   * Cluster worker mode: the shared registry, this worker's id and the URL gateways reach it at.
   * Clients must then present a seat (or resume with a token). Default: embedded, an in-memory
   * registry and this process as its only worker.
   */
  cluster?: {
    registry: Registry;
    workerId: string;
    publicUrl?: string;
    /** How long to wait for the registry before the first heartbeat (see `awaitRegistry`). Default 5000 ms. */
    registryWaitMs?: number;
  };
  /** Required (Bearer or dashboard cookie) for /metrics, /stats, /workers and /dashboard. Default ADMIN_TOKEN from the environment. */
  adminToken?: string;
  /** TCP port; 0 picks a free one. Default 5000. */
  port?: number;
  /** Interface to listen on. Default '0.0.0.0'. */
  host?: string;
  /** Simulation ticks per second. Default 30. */
  tickRate?: number;
  /** RNG seed of the match; default random. */
  seed?: number;
  /** Folder with the built browser client, served at `/`. */
  staticDir?: string;
  /** Systems of a tick of the default type (from `rules`); default the engine's battle systems. */
  systems?: System<BattleWorld>[];
  /**
   * Most players in this process, all matches together, connected or waiting to resume; also the
   * capacity of the default type made from `rules`. Default 1000.
   */
  maxPlayers?: number;
  /** Most simultaneous connections from one address. Default 32. */
  maxConnectionsPerAddress?: number;
  /** Exempt loopback addresses from the per-address limit (local bots, a proxy on this host). Default true. */
  exemptLoopback?: boolean;
  /** Entity capacity of the world. Default 4096. */
  capacity?: number;
  /** Origins other than the page's own allowed to connect from a browser. Default none: same origin only. */
  corsOrigins?: string[];
  /** Heartbeat: how often the server pings each client (ms). Default 5000. */
  pingIntervalMs?: number;
  /** How long a ping may go unanswered (ms): a silent client is dropped within the sum of both. Default 4000. */
  pingTimeoutMs?: number;
  /** Largest message (or long-polling request) a client may send, in bytes; a bigger one closes its connection. Default 16 KiB. */
  maxMessageBytes?: number;
  /** How long a dropped player is kept for its client to come back (ms). Default 15 000. */
  graceMs?: number;
  /** Per-connection rate limits; each one left out keeps its default (see `RateLimits`). */
  limits?: Partial<RateLimits>;
  /** Interest management: view square around each player, hysteresis, heartbeat (see `defaultInterest`). */
  interest?: Partial<InterestOptions>;
  /** Socket.IO parser; default ours: one WebSocket frame per binary message, default format for JSON. */
  parser?: typeof parser;
  /** Structured logger; default pino at LOG_LEVEL or 'info'. */
  logger?: Logger;
  /** Serve Prometheus metrics at `/metrics`. Default true. */
  metrics?: boolean;
  /** Start the tick loop at once. Default true; tests may drive `match.tick()` themselves. */
  autoStart?: boolean;
  /**
   * Recording of every match to a replay file (served at `/replays`): where, and how many are
   * kept; `false` records nothing. Default on, in `RECORD_DIR` or `recordings/`, off when `RECORD=0`.
   */
  record?: RecordingOptions | false;
  /** Most spectators watching one match (a type's own `spectatorCap` wins). Default 50. */
  spectatorCap?: number;
}

/** A running game server. */
export interface GameServer {
  /** `http://host:port` as reachable from this machine. */
  readonly url: string;
  /** The TCP port listened on (the one picked when `port` was 0). */
  readonly port: number;
  /** The HTTP server Socket.IO, the static client and /metrics share. */
  readonly http: HttpServer;
  /** The Socket.IO server. */
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  /**
   * The default match: the first match of the default type, created at start. An embedded server
   * keeps it while it runs (never disposed for being empty), so seatless classic and old clients
   * land in a warm match; a cluster worker disposes of it like any other once it has been empty
   * for `emptyDisposeMs`.
   */
  readonly match: Match;
  /** Every match of this process, by id. */
  readonly matches: ReadonlyMap<string, HostedMatch>;
  /** Id of `match` in the registry. */
  readonly matchId: string;
  /** The registry this server matchmakes through (in memory unless `cluster`). */
  readonly registry: Registry;
  /** Id of this process as a worker in the registry. */
  readonly workerId: string;
  /** The recordings folder (undefined when recording is off). */
  readonly recordings: RecordingStore | undefined;
  /**
   * Drains: leaves the registry (no new matches or seats come here), tells every player
   * `reconnect_elsewhere`, then closes like `close`.
   */
  drain(reason?: string): Promise<void>;
  /** Prometheus metrics (also served at `/metrics` unless disabled). */
  readonly metrics: ServerMetrics;
  /** Starts the fixed-rate tick loop (if not running, and not closing). */
  start(): void;
  /**
   * Shuts down gracefully: refuses new connections, tells every client (`shutdown`), disconnects
   * them, stops ticking and closes the port. Resolves within a few seconds whatever clients do.
   */
  close(reason?: string): Promise<void>;
}

/** The match types of `options`, by name, with the default and classic type names (see `ServerOptions`). */
export function resolveTypes(options: ServerOptions): { types: Map<string, MatchType>; defaultType: string; classicType: string } {
  const types = new Map<string, MatchType>();
  for (const type of options.types ?? []) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(type.name)) throw new Error(`match type name ${JSON.stringify(type.name)}: 1-64 letters, digits, _ or -`);
    if (!Number.isInteger(type.capacity) || type.capacity < 1) throw new Error(`match type ${type.name}: capacity must be a positive integer`);
    types.set(type.name, type);
  }
  const defaultType = options.defaultType ?? (types.size === 0 || types.has('classic') ? 'classic' : types.keys().next().value!);
  if (options.rules !== undefined && !types.has(defaultType)) {
    types.set(defaultType, { name: defaultType, rules: options.rules, systems: options.systems, capacity: options.maxPlayers ?? 1000 });
  }
  if (!types.has(defaultType)) throw new Error(`no match type ${defaultType}: give rules or a type of that name`);
  const classicType = options.classicType ?? (types.has('classic') ? 'classic' : defaultType);
  if (!types.has(classicType)) throw new Error(`no match type ${classicType} for classic clients`);
  return { types, defaultType, classicType };
}
