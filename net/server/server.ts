// The server an embedder starts: HTTP (the built client, /metrics, the matchmaking API), Socket.IO
// for both protocols, admission by seat, and the matches of this process with their tick loop,
// wired together; and its graceful shutdown and drain.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { Server } from 'socket.io';
import type { BattleRules, BattleWorld, System } from '../../engine';
import type { Match } from './match';
import { DeltaEvents, ErrorCodes, type ClientToServerEvents, type ErrorCode, type ServerToClientEvents } from '../wire';
import { createStaticHandler } from './static';
import { createLogger, type Logger } from './logger';
import { createMetrics, type ServerMetrics } from './metrics';
import type { RateLimits } from './limits';
import type { InterestOptions } from './broadcast';
import { parser } from '../wire';
import { createAdmission, handshakeProtocol, originAllowed } from './admission';
import { createMatchHost, type HostedMatch, type MatchHost, type MatchType } from './matches';
import { readSpectate } from './spectators';
import { admitSeat, readSeat, startHeartbeat, type Heartbeat, type PresentedSeat } from '../cluster/worker';
import { createMemoryRegistry } from '../cluster/memory-registry';
import { RegistryError, newMatchId, type MatchInfo, type Registry, type WorkerInfo } from '../cluster/registry';
import { createAdminCheck, createMatchmakingApi, denied, sendJson } from '../cluster/http-api';
import { createAdminPages, warnIfAdminOpen } from '../cluster/admin-pages';
import { hostname } from 'node:os';
import { createRecordingStore, recordingFromEnv, type RecordingOptions, type RecordingStore } from './recordings';
import { createReplaysApi } from './replays-http';
import { startMatchRecording } from './match-recording';

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
  cluster?: { registry: Registry; workerId: string; publicUrl?: string };
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

/** An error a Socket.IO middleware passes to `next`: the client sees `message` and `data.code`. */
function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** The match a delta handshake names (`auth.matchId`), with or without a seat. */
function namedMatch(auth: unknown): string | undefined {
  const matchId = typeof auth === 'object' && auth !== null ? (auth as { matchId?: unknown }).matchId : undefined;
  return typeof matchId === 'string' && matchId.length > 0 && matchId.length <= 64 ? matchId : undefined;
}

/** Waits for the recordings' files to be closed, at most `ms` (a stalled disk must not hold up a shutdown). */
async function settleWithin(recordings: RecordingStore, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    recordings.settled().then(() => false),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), ms);
    }),
  ]);
  clearTimeout(timer);
  if (late) logger.warn({ dir: recordings.dir }, 'recordings still being written at shutdown');
}

/** The match types of `options`, by name, with the default and classic type names (see `ServerOptions`). */
function resolveTypes(options: ServerOptions): { types: Map<string, MatchType>; defaultType: string; classicType: string } {
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

/**
 * Creates and starts a game server: HTTP (serving the client, /metrics and the matchmaking API),
 * Socket.IO (both protocols) and the matches' tick loop.
 * @throws if the port cannot be bound, or the rules, types, tick rate or capacity are invalid.
 */
export async function createServer(options: ServerOptions): Promise<GameServer> {
  const logger = options.logger ?? createLogger();
  const tickRate = options.tickRate ?? 30;
  const corsOrigins = options.corsOrigins ?? [];
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const serveMetrics = options.metrics !== false;
  const { types, defaultType, classicType } = resolveTypes(options);
  const registry = options.cluster?.registry ?? createMemoryRegistry();
  const workerId = options.cluster?.workerId ?? 'local';
  const requireSeat = options.cluster !== undefined;
  const adminToken = options.adminToken ?? process.env.ADMIN_TOKEN ?? '';
  const admin = createAdminCheck(adminToken);
  let closing = false;
  let draining = false;
  let publicUrl = options.cluster?.publicUrl ?? '';
  const recordOptions = options.record ?? recordingFromEnv();
  const recordings = recordOptions === false ? undefined : createRecordingStore(recordOptions, logger);
  const replays = createReplaysApi(recordings);

  const api = createMatchmakingApi({
    registry,
    isAdmin: admin.isAdmin,
    async place(request) {
      const type = types.get(request.type);
      if (!type) throw new RegistryError('bad_type', `unknown match type ${JSON.stringify(request.type).slice(0, 70)}`);
      if (draining || closing) throw new RegistryError('unavailable', 'this server is draining: try again shortly');
      return registry.placeSeat({ ...request, capacity: type.capacity });
    },
    origin: (req) => {
      const host = req.headers.host;
      return host && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? `http://${host}` : publicUrl;
    },
    path: () => '/socket.io/',
  });
  // The same dashboard and login as the gateway's, charting this one process.
  const adminPages = createAdminPages({
    admin,
    title: requireSeat ? `Skirmish worker ${workerId}` : 'Skirmish server',
    secureCookie: publicUrl.startsWith('https:'),
    stats: async () => ({
      t: Date.now(),
      workers: [{ id: workerId, matches: host.matches.size, players: host.players(), tickP99Ms: metrics.recentTickP99() }],
    }),
  });

  const http = createHttpServer((req, res) => {
    // Socket.IO answers its own path; everything else is the API, metrics or the static client.
    if (req.url?.startsWith('/socket.io/')) return;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (serveMetrics && path === '/metrics') {
      if (!admin.isAdmin(req)) return denied(res);
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => {
          logger.error({ err: error }, 'metrics failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (path === '/stats') {
      // What the gateway's dashboard charts: this process's matches, players and recent tick p99 by type.
      if (!admin.isAdmin(req)) return denied(res);
      return sendJson(res, 200, {
        worker: workerId, matches: host.matches.size, players: host.players(), spectators: spectators(), tickP99Ms: metrics.recentTickP99(),
      });
    }
    const answer = async (): Promise<boolean> => (await replays(req, res, path)) || (await api(req, res, path)) || adminPages(req, res, path);
    answer().then((handled) => {
      if (handled) return;
      if (serveStatic) serveStatic(req, res);
      else res.writeHead(404).end('not found\n');
    }, (error: unknown) => {
      logger.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    // Games need to notice a vanished player in seconds, not the chat-friendly 45 s default.
    pingInterval: options.pingIntervalMs ?? 5000,
    pingTimeout: options.pingTimeoutMs ?? 4000,
    maxHttpBufferSize: options.maxMessageBytes ?? 16 * 1024,
    cors: corsOrigins.length > 0 ? { origin: corsOrigins } : undefined,
    serveClient: false,
    parser: options.parser ?? parser,
    // Browsers do not apply CORS to WebSocket upgrades, so the origin is checked here for both transports.
    allowRequest: (req, callback) => {
      if (closing) return callback('server shutting down', false);
      if (!originAllowed(req, corsOrigins)) {
        logger.warn({ origin: req.headers.origin }, 'origin refused');
        return callback('origin not allowed', false);
      }
      callback(null, true);
    },
  });
  const nsp = io.of('/');
  // Seat claims sent to the registry and not yet joined, per match: counted in heartbeats so a
  // heartbeat racing a claim cannot undo it.
  const inFlight = new Map<string, number>();
  const host: MatchHost = createMatchHost({
    tickRate,
    logger,
    seed: options.seed,
    emptyDisposeMs: options.emptyDisposeMs,
    matchDefaults: {
      nsp, capacity: options.capacity, graceMs: options.graceMs, limits: options.limits, interest: options.interest,
      spectatorCap: options.spectatorCap,
      recordingSegmentS: recordOptions === false ? undefined : recordOptions?.segmentS,
    },
    observeTick: (type, simulate, write) => metrics.observeTick(simulate, write, type),
    record: recordings === undefined || recordOptions === false
      ? undefined
      : (world, m) => startMatchRecording(recordings, world, m, logger, { hashEveryTicks: recordOptions.hashEveryTicks }),
    onPlayerLeft: (m) => {
      registry.releasePlayer(m.id).catch(() => undefined);
    },
    onDisposed: (m) => {
      metrics.retire(m.match);
      registry.removeMatch(m.id).catch(() => undefined);
    },
  });
  const metrics = createMetrics(http, () => host.matches.values());
  const spectators = (): number => {
    let n = 0;
    for (const m of host.matches.values()) n += m.spectators;
    return n;
  };
  const defaultId = newMatchId();
  // A worker keeps no match: every one is placed by the registry, and one left empty would be
  // listed (and hold memory and a recording) for as long as the worker lives.
  const first = host.create(types.get(defaultType)!, defaultId, { keep: !requireSeat });

  const report = (): { worker: WorkerInfo; matches: MatchInfo[] } => {
    const matches: MatchInfo[] = [];
    let players = 0;
    for (const m of host.matches.values()) {
      const n = m.players + (inFlight.get(m.id) ?? 0);
      players += m.players;
      matches.push({ id: m.id, type: m.type.name, players: n, capacity: m.type.capacity, worker: workerId, createdAt: m.createdAt, spectators: m.spectators });
    }
    // A match whose first claim is still in flight is not reported: the registry keeps a match
    // with live reservations (or younger than pendingMatchMs) that its worker does not report yet.
    // capacity: placement stops handing out seats here before admission would refuse them `server_full`.
    const worker = { id: workerId, pid: process.pid, host: hostname(), url: publicUrl, matches: host.matches.size, players, capacity: options.maxPlayers ?? 1000 };
    return { worker, matches };
  };

  io.use(createAdmission({
    maxPlayers: options.maxPlayers ?? 1000,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 32,
    exemptLoopback: options.exemptLoopback ?? true,
    players: () => host.players(),
    resumable: (token) => host.byToken(token)?.match.sessions.byToken.get(token)?.socket === null,
  }));
  // Which match a connection is for: a resuming player's own, else the one its seat is for (a
  // seatless client on an embedded server gets a seat here: joinOrCreate of its protocol's type).
  io.use((socket, next) => {
    const watch = readSpectate(socket.handshake);
    if (watch !== undefined) {
      const problem = spectateProblem(watch, socket.handshake.auth);
      if (problem) return next(problem);
      (socket.data as { spectate?: string }).spectate = watch;
      return next();
    }
    seatFor(socket.handshake).then((result) => {
      if (result instanceof Error) return next(result);
      const data = socket.data as { matchId?: string; claimed?: boolean };
      data.matchId = result.matchId;
      if (result.claimed) {
        // Counted in the registry from the claim on: a connection that closes before it joins gives its place back.
        data.claimed = true;
        socket.conn.once('close', () => {
          if (!data.claimed) return;
          data.claimed = false;
          settleClaim(result.matchId);
          registry.releasePlayer(result.matchId).catch(() => undefined);
        });
      }
      next();
    }, (error: unknown) => {
      logger.error({ err: error }, 'admission failed');
      next(refusal(ErrorCodes.registryUnavailable, 'admission failed; try again'));
    });
  });
  /** Why watching `matchId` is refused now, or undefined: spectators need no seat, only the match and room. */
  const spectateProblem = (matchId: string, auth: unknown): Error | undefined => {
    if (handshakeProtocol(auth).kind !== 'delta') return refusal(ErrorCodes.badInput, 'spectating needs the delta protocol (auth: {skirmish})');
    if (draining) return refusal(ErrorCodes.draining, 'this server is draining');
    const watched = host.matches.get(matchId);
    if (watched === undefined) return refusal(ErrorCodes.matchUnknown, `no match ${JSON.stringify(matchId).slice(0, 70)} here: it may have ended`);
    const { count, cap } = watched.match.spectators;
    if (count >= cap) return refusal(ErrorCodes.spectatorsFull, `match ${matchId} has its ${cap} spectators`);
    return undefined;
  };
  const settleClaim = (matchId: string): void => {
    const n = (inFlight.get(matchId) ?? 1) - 1;
    if (n <= 0) inFlight.delete(matchId);
    else inFlight.set(matchId, n);
  };
  const seatFor = async (handshake: { auth?: unknown; query?: unknown }): Promise<{ matchId: string; claimed: boolean } | Error> => {
    const { kind, token } = handshakeProtocol(handshake.auth);
    const named = namedMatch(handshake.auth);
    if (token !== undefined) {
      const resumed = await resumableIn(token, named);
      if (resumed !== undefined) return { matchId: resumed, claimed: false };
    }
    if (draining) return refusal(ErrorCodes.draining, 'this server is draining: matchmake again');
    let seat: PresentedSeat | undefined = readSeat(handshake);
    if (seat === undefined) {
      if (requireSeat) return refusal(ErrorCodes.seatMissing, 'no seat: matchmake first (POST /matchmake)');
      // A matchmaking client back for a player that is gone: it matchmakes again (into that match
      // first), rather than being placed here in whatever type seatless clients get.
      if (named !== undefined) return refusal(ErrorCodes.seatMissing, 'that player is gone: matchmake again');
      const type = types.get(kind === 'classic' ? classicType : defaultType)!;
      try {
        const placed = await registry.placeSeat({ type: type.name, capacity: type.capacity });
        seat = { matchId: placed.seat.matchId, token: placed.seat.token };
      } catch (error) {
        const e = error instanceof RegistryError ? error : undefined;
        if (e?.code === 'full') return refusal(ErrorCodes.serverFull, e.message);
        return refusal(ErrorCodes.registryUnavailable, `matchmaking failed: ${e?.message ?? 'registry failed'}`);
      }
    }
    inFlight.set(seat.matchId, (inFlight.get(seat.matchId) ?? 0) + 1);
    const admitted = await admitSeat(registry, workerId, seat);
    const done = (): void => settleClaim(seat.matchId);
    if (!admitted.ok) {
      done();
      return refusal(admitted.code as ErrorCode, admitted.message);
    }
    const type = types.get(admitted.match.type);
    if (!type) {
      done();
      registry.releasePlayer(seat.matchId).catch(() => undefined);
      return refusal(ErrorCodes.seatUnknown, `this server has no match type ${admitted.match.type}`);
    }
    if (!host.matches.has(seat.matchId)) {
      try {
        host.create(type, seat.matchId);
      } catch (error) {
        done();
        logger.error({ err: error, type: type.name }, 'match creation failed');
        return refusal(ErrorCodes.seatUnknown, 'the match could not be created');
      }
    }
    // The claim stays in flight until the connection joins (or closes first).
    return { matchId: seat.matchId, claimed: true };
  };

  // A silent client is dropped within this (Engine.IO's heartbeat), so its player becomes resumable.
  const heartbeatMs = (options.pingIntervalMs ?? 5000) + (options.pingTimeoutMs ?? 4000);
  /**
   * The match in which `token`'s player can be resumed, if any. A player whose old connection
   * still looks live is waited for (until the heartbeat drops that connection) when the client
   * names that player's match: a matchmaking client back after its link died before this server
   * noticed. Without the wait it would be refused its spent seat and placed as a new player.
   */
  const resumableIn = async (token: string, named: string | undefined): Promise<string | undefined> => {
    const hosted = host.byToken(token);
    const session = hosted?.match.sessions.byToken.get(token);
    if (hosted === undefined || session === undefined) return undefined;
    const old = session.socket;
    if (old !== null) {
      // A token never takes over a live connection: an unnamed match (or another one) is a new player.
      if (named !== hosted.id) return undefined;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          old.off('disconnect', done);
          resolve();
        };
        // Listeners run in order: by then the match has dropped the old connection.
        old.on('disconnect', done);
        const timer = setTimeout(done, heartbeatMs + 500);
      });
    }
    const still = host.matches.get(hosted.id) === hosted && hosted.match.sessions.byToken.get(token) === session;
    return still && session.socket === null ? hosted.id : undefined;
  };

  io.on('connection', (socket) => {
    const watch = (socket.data as { spectate?: string }).spectate;
    if (watch !== undefined) {
      const watched = host.matches.get(watch);
      if (watched === undefined) {
        // Disposed between admission and now.
        socket.emit(DeltaEvents.spectateEnded, { matchId: watch, reason: 'the match is gone' });
        socket.disconnect(true);
        return;
      }
      // Over the cap (a race past admission) it is told so and disconnected.
      if (watched.match.spectators.join(socket)) socket.on('disconnect', () => watched.match.spectators.drop(socket));
      return;
    }
    const { kind, token, name } = handshakeProtocol(socket.handshake.auth);
    const data = socket.data as { matchId?: string; claimed?: boolean };
    const matchId = data.matchId;
    const hosted = matchId === undefined ? undefined : host.matches.get(matchId);
    const resuming = !data.claimed;
    if (data.claimed && matchId !== undefined) {
      data.claimed = false;
      settleClaim(matchId);
    }
    if (hosted === undefined) {
      // Its match was disposed between admission and now (ended, drained): send it on its way.
      if (matchId !== undefined && !resuming) registry.releasePlayer(matchId).catch(() => undefined);
      socket.emit(DeltaEvents.reconnectElsewhere, { reason: 'the match is gone: matchmake again' });
      socket.disconnect(true);
      return;
    }
    try {
      hosted.match.sessions.join(socket, kind, token, name);
    } catch (error) {
      logger.error({ err: error, sid: socket.id }, 'join failed');
      if (!resuming) registry.releasePlayer(hosted.id).catch(() => undefined);
      socket.disconnect(true);
      return;
    }
    socket.on('disconnect', (reason) => {
      logger.debug({ sid: socket.id, reason }, 'disconnect');
      hosted.match.sessions.drop(socket, reason);
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port ?? 5000, options.host ?? '0.0.0.0', () => {
      http.off('error', rejectListen);
      resolveListen();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host0 = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const url = `http://${host0.includes(':') ? `[${host0}]` : host0}:${port}`;
  publicUrl ||= url;
  warnIfAdminOpen(logger, adminToken, options.host ?? '0.0.0.0', port);

  // The registry learns of this worker and its default match before the first client asks.
  let heartbeat: Heartbeat | undefined = startHeartbeat({ registry, report, logger: logger.child({ worker: workerId }) });
  await heartbeat.beat();

  const start = (): void => {
    if (!closing) host.start();
  };
  if (options.autoStart !== false) start();
  logger.info({ port, tickRate, types: [...types.keys()], defaultType, worker: workerId }, 'skirmish server listening');

  const close = async (reason = 'server shutting down'): Promise<void> => {
    if (closing) return;
    closing = true;
    heartbeat?.stop();
    heartbeat = undefined;
    host.stop();
    logger.info({ players: host.players(), matches: host.matches.size, reason }, 'shutting down');
    io.emit(DeltaEvents.shutdown, { reason });
    // Give the notice a moment to leave before the sockets close; never wait on clients.
    await new Promise((r) => setTimeout(r, 50));
    io.disconnectSockets(true);
    host.close(reason);
    // Disposal ended every recording; their last bytes reach the disk before the process may exit.
    if (recordings) await settleWithin(recordings, 3000, logger);
    if (options.cluster) await registry.removeWorker(workerId).catch(() => undefined);
    else await registry.close().catch(() => undefined);
    metrics.stop();
    http.closeAllConnections?.();
    // io.close() also closes the HTTP server; never wait on it for more than a few seconds.
    let fallback: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((r) => io.close(() => r())),
      new Promise<void>((r) => {
        fallback = setTimeout(r, 3000);
      }),
    ]);
    clearTimeout(fallback);
  };

  return {
    url,
    port,
    http,
    io,
    match: first.match,
    matchId: defaultId,
    matches: host.matches,
    registry,
    workerId,
    recordings,
    metrics,
    start,
    close,
    async drain(reason = 'server draining') {
      if (closing || draining) return;
      draining = true;
      heartbeat?.stop();
      heartbeat = undefined;
      // Out of the registry first: no gateway places anyone here any more.
      await registry.removeWorker(workerId).catch((error: unknown) => logger.warn({ err: error }, 'drain: could not leave the registry'));
      logger.info({ matches: host.matches.size, players: host.players() }, 'draining: sending players elsewhere');
      io.emit(DeltaEvents.reconnectElsewhere, { reason });
      await new Promise((r) => setTimeout(r, 100));
      await close(reason);
    },
  };
}
