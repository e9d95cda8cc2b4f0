// The server an embedder starts: HTTP (the built client, /metrics), Socket.IO for both protocols,
// admission, and the match's tick loop, wired together; and its graceful shutdown.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomInt } from 'node:crypto';
import { Server } from 'socket.io';
import type { BattleRules, BattleWorld, System } from '../../engine';
import { createMatch, type Match } from './match';
import { DeltaEvents, type ClientToServerEvents, type ServerToClientEvents } from '../wire';
import { createStaticHandler } from './static';
import { createLogger, type Logger } from './logger';
import { createMetrics, type ServerMetrics } from './metrics';
import type { RateLimits } from './limits';
import type { InterestOptions } from './broadcast';
import { parser } from '../wire';
import { createAdmission, handshakeProtocol, originAllowed } from './admission';
import { createTickLoop } from './loop';

/** Options of `createServer`. Every one has a default fit for play on one machine. */
export interface ServerOptions {
  /** The game's rules (map, speed, damage…), also sent to every engine client in its welcome. */
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
  /** The one match played on this server: its world, players and counters. */
  readonly match: Match;
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

/**
 * Creates and starts a game server: HTTP (serving the client and /metrics), Socket.IO (both
 * protocols) and the match's tick loop.
 * @throws if the port cannot be bound, or the rules, tick rate or capacity are invalid.
 */
export async function createServer(options: ServerOptions): Promise<GameServer> {
  const logger = options.logger ?? createLogger();
  const tickRate = options.tickRate ?? 30;
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
  io.use(createAdmission({
    maxPlayers: options.maxPlayers ?? 1000,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 32,
    exemptLoopback: options.exemptLoopback ?? true,
    players: () => match.sessions.byToken.size,
    resumable: (token) => match.sessions.byToken.get(token)?.socket === null,
  }));
  io.on('connection', (socket) => {
    const { kind, token, name } = handshakeProtocol(socket.handshake.auth);
    try {
      match.sessions.join(socket, kind, token, name);
    } catch (error) {
      logger.error({ err: error, sid: socket.id }, 'join failed');
      socket.disconnect(true);
      return;
    }
    socket.on('disconnect', (reason) => {
      logger.debug({ sid: socket.id, reason }, 'disconnect');
      match.sessions.drop(socket, reason);
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

  const loop = createTickLoop(match, tickRate, metrics, logger);
  const start = (): void => {
    if (!closing) loop.start();
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
      loop.stop();
      match.close();
      logger.info({ players: match.sessions.bySocketId.size, reason }, 'shutting down');
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
