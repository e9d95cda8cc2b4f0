import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import { Server } from 'socket.io';
import { createScheduler, type BattleRules, type BattleWorld, type System } from '../engine';
import { createMatch, type Match } from './match';
import { ErrorCodes, PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from './protocol';
import { createStaticHandler } from './static';
import { createLogger, type Logger } from './logger';
import type { SessionKind } from './session';
import { createMetrics, type ServerMetrics } from './metrics';

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
  /** Most players in the match. Default 1000. */
  maxPlayers?: number;
  /** Entity capacity of the world. Default 4096. */
  capacity?: number;
  /** Origins other than the page's own allowed to connect (CORS). Default none: same origin only. */
  corsOrigins?: string[];
  /** Heartbeat: a silent client is dropped after pingInterval + pingTimeout. Default 5 s + 5 s. */
  pingInterval?: number;
  pingTimeout?: number;
  /** Largest message in bytes; bigger ones close the connection. Default 16 KiB. */
  maxHttpBufferSize?: number;
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
  /** Stops ticking, disconnects every client and closes the port. */
  close(): Promise<void>;
}

/**
 * Creates and starts a game server: HTTP (serving the client), Socket.IO (both protocols) and
 * the match's tick loop.
 * @throws if the port cannot be bound.
 */
export async function createServer(options: ServerOptions): Promise<GameServer> {
  const logger = options.logger ?? createLogger();
  const tickRate = options.tickRate ?? 30;
  const maxPlayers = options.maxPlayers ?? 1000;
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const serveMetrics = options.metrics !== false;
  const http = createHttpServer((req, res) => {
    // Socket.IO answers its own path; everything else is the static client.
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
    pingInterval: options.pingInterval ?? 5000,
    pingTimeout: options.pingTimeout ?? 5000,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 16 * 1024,
    cors: options.corsOrigins?.length ? { origin: options.corsOrigins } : undefined,
    serveClient: false,
  });
  const match = createMatch({
    rules: options.rules,
    tickRate,
    seed: options.seed ?? randomInt(2 ** 31),
    capacity: options.capacity,
    systems: options.systems,
    logger,
    nsp: io.of('/'),
  });

  const metrics = createMetrics(http, match);

  // Engine clients announce their protocol version; anyone else speaks the classic protocol.
  io.use((socket, next) => {
    const version = (socket.handshake.auth as { skirmish?: unknown } | undefined)?.skirmish;
    if (version !== undefined && version !== PROTOCOL_VERSION) {
      const error = new Error(`protocol mismatch: server speaks ${PROTOCOL_VERSION}, client ${String(version).slice(0, 16)}`);
      (error as Error & { data: unknown }).data = { code: ErrorCodes.protocolMismatch, server: PROTOCOL_VERSION };
      return next(error);
    }
    if (match.sessions.size >= maxPlayers) {
      const error = new Error(`server full (${maxPlayers} players)`);
      (error as Error & { data: unknown }).data = { code: ErrorCodes.serverFull };
      return next(error);
    }
    next();
  });
  io.on('connection', (socket) => {
    const kind: SessionKind = (socket.handshake.auth as { skirmish?: unknown } | undefined)?.skirmish === undefined ? 'classic' : 'engine';
    try {
      match.join(socket, kind);
    } catch (error) {
      logger.error({ err: error, sid: socket.id }, 'join failed');
      socket.disconnect(true);
      return;
    }
    socket.on('disconnect', (reason) => {
      logger.debug({ sid: socket.id, reason }, 'disconnect');
      match.leave(socket);
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
      match.tick();
      metrics.observeTick((performance.now() - started) / 1000);
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
    if (running) return;
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
    async close() {
      running = false;
      if (timer) clearTimeout(timer);
      io.disconnectSockets(true);
      metrics.stop();
      await new Promise<void>((r) => io.close(() => r()));
    },
  };
}
