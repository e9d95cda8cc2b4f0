import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { Server } from 'socket.io';
import { createScheduler, type BattleRules, type BattleWorld, type System } from '../../engine';
import { createMatch, type Match } from './match';
import { DeltaEvents, ErrorCodes, type ClientToServerEvents, type ServerToClientEvents } from '../wire';
import { createStaticHandler } from './static';
import { createLogger, type Logger } from './logger';
import { createMetrics, type ServerMetrics } from './metrics';
import type { RateLimits } from './limits';
import type { InterestOptions } from './broadcast';
import { parser } from '../wire';
import { AddressCounter, handshakeProtocol, isLoopback, originAllowed, protocolProblem, refusal } from './admission';

/** Options of `createServer`. Every one has a default fit for play on one machine. */
export interface ServerOptions {
  rules: BattleRules;
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
  /** Systems of a tick; default the engine's battle systems. */
  systems?: System<BattleWorld>[];
  /** Most players in the match, connected or waiting to resume. Default 1000. */
  maxPlayers?: number;
  /** Most simultaneous connections from one address. Default 32. */
  maxConnectionsPerAddress?: number;
  /** Exempt loopback addresses from the per-address limit (local bots, a proxy on this host). Default true. */
  exemptLoopback?: boolean;
  /** Entity capacity of the world. Default 4096. */
  capacity?: number;
  /** Origins other than the page's own allowed to connect from a browser. Default none: same origin only. */
  corsOrigins?: string[];
  /** Heartbeat: a silent client is dropped after pingInterval + pingTimeout. Default 5 s + 4 s. */
  pingInterval?: number;
  pingTimeout?: number;
  /** Largest message in bytes; bigger ones close the connection. Default 16 KiB. */
  maxHttpBufferSize?: number;
  /** How long a dropped player is kept for its client to come back (ms). Default 15 000. */
  graceMs?: number;
  /** Per-connection rate limits (see `defaultLimits`). */
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
}

/** A running game server. */
export interface GameServer {
  /** `http://host:port` as reachable from this machine. */
  readonly url: string;
  readonly port: number;
  readonly http: HttpServer;
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  readonly match: Match;
  /** Prometheus metrics (also served at `/metrics` unless disabled). */
  readonly metrics: ServerMetrics;
  /** Starts the fixed-rate tick loop (if not running). */
  start(): void;
  /**
   * Shuts down gracefully: refuses new connections, tells every client (`shutdown`), disconnects
   * them, stops ticking and closes the port. Resolves within a few seconds whatever clients do.
   */
  close(reason?: string): Promise<void>;
}

/**
 * Creates and starts a game server: HTTP (serving the client and /metrics), Socket.IO (both
 * protocols) and the match's tick loop.
 * @throws if the port cannot be bound.
 */
export async function createServer(options: ServerOptions): Promise<GameServer> {
  const logger = options.logger ?? createLogger();
  const tickRate = options.tickRate ?? 30;
  const maxPlayers = options.maxPlayers ?? 1000;
  const perAddress = options.maxConnectionsPerAddress ?? 32;
  const exemptLoopback = options.exemptLoopback ?? true;
  const corsOrigins = options.corsOrigins ?? [];
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const serveMetrics = options.metrics !== false;
  let closing = false;

  const http = createHttpServer((req, res) => {
    // Socket.IO answers its own path; everything else is the static client or metrics.
    if (req.url?.startsWith('/socket.io/')) return;
    if (serveMetrics && req.url === '/metrics') {
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => {
          logger.error({ err: error }, 'metrics failed');
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (serveStatic) serveStatic(req, res);
    else res.writeHead(404).end('not found\n');
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    // Games need to notice a vanished player in seconds, not the chat-friendly 45 s default.
    pingInterval: options.pingInterval ?? 5000,
    pingTimeout: options.pingTimeout ?? 4000,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 16 * 1024,
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
  const match = createMatch({
    rules: options.rules,
    tickRate,
    seed: options.seed ?? randomInt(2 ** 31),
    capacity: options.capacity,
    systems: options.systems,
    logger,
    nsp: io.of('/'),
    graceMs: options.graceMs,
    limits: options.limits,
    interest: options.interest,
  });
  const metrics = createMetrics(http, match);
  const addresses = new AddressCounter();

  io.use((socket, next) => {
    const { kind, version, token } = handshakeProtocol(socket.handshake.auth);
    if (kind === 'engine') {
      const problem = protocolProblem(version);
      if (problem) return next(problem);
    }
    const resuming = token !== undefined && match.players.get(token)?.socket === null;
    if (!resuming && match.players.size >= maxPlayers) {
      return next(refusal(ErrorCodes.serverFull, `server full (${maxPlayers} players)`));
    }
    const address = socket.handshake.address;
    if (!(exemptLoopback && isLoopback(address))) {
      if (!addresses.acquire(address, perAddress)) {
        return next(refusal(ErrorCodes.tooManyConnections, `too many connections from ${address} (limit ${perAddress})`));
      }
      socket.once('disconnect', () => addresses.release(address));
    }
    next();
  });
  io.on('connection', (socket) => {
    const { kind, token } = handshakeProtocol(socket.handshake.auth);
    try {
      match.join(socket, kind, token);
    } catch (error) {
      logger.error({ err: error, sid: socket.id }, 'join failed');
      socket.disconnect(true);
      return;
    }
    socket.on('disconnect', (reason) => {
      logger.debug({ sid: socket.id, reason }, 'disconnect');
      match.drop(socket, reason);
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
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';

  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const scheduler = createScheduler({
    dt: 1 / tickRate,
    now: () => performance.now(),
    tick: () => {
      const started = performance.now();
      match.simulate();
      const built = performance.now();
      match.flush();
      metrics.observeTick((built - started) / 1000, (performance.now() - built) / 1000);
    },
  });
  const loop = (): void => {
    if (!running) return;
    try {
      scheduler.advance();
    } catch (error) {
      logger.error({ err: error }, 'tick failed');
    }
    timer = setTimeout(loop, scheduler.untilNext());
  };
  const start = (): void => {
    if (running || closing) return;
    running = true;
    scheduler.advance();
    timer = setTimeout(loop, scheduler.untilNext());
  };
  if (options.autoStart !== false) start();
  logger.info({ port, tickRate, map: options.rules.map }, 'skirmish server listening');

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    http,
    io,
    match,
    metrics,
    start,
    async close(reason = 'server shutting down') {
      if (closing) return;
      closing = true;
      running = false;
      if (timer) clearTimeout(timer);
      match.close();
      logger.info({ players: match.sessions.size, reason }, 'shutting down');
      io.emit(DeltaEvents.shutdown, { reason });
      // Give the notice a moment to leave before the sockets close; never wait on clients.
      await new Promise((r) => setTimeout(r, 50));
      io.disconnectSockets(true);
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
    },
  };
}
