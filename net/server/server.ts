// The server an embedder starts: HTTP (the built client, /metrics, the matchmaking API), Socket.IO
// for both protocols, admission (placement.ts seats each connection), and the matches of this
// process with their tick loop, wired together; and its graceful shutdown and drain. Its options
// are in server-options.ts. Over 250 lines because it is one thing: the composition root, whose
// parts share the server's lifecycle (closing, draining, the heartbeat) and nothing else.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { Server } from 'socket.io';
import { DeltaEvents, parser, type ClientToServerEvents, type ServerToClientEvents } from '../wire';
import { createStaticHandler } from './static';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { createAdmission, originAllowed } from './admission';
import { createMatchHost, type MatchHost } from './matches';
import { startHeartbeat, type Heartbeat } from '../cluster/worker';
import { createMemoryRegistry } from '../cluster/memory-registry';
import { awaitRegistry, RegistryError, newMatchId, type MatchInfo, type WorkerInfo } from '../cluster/registry';
import { createAdminCheck, createMatchmakingApi, denied, sendJson } from '../cluster/http-api';
import { createAdminPages, warnIfAdminOpen } from '../cluster/admin-pages';
import { createRecordingStore, recordingFromEnv, type RecordingStore } from './recordings';
import { createReplaysApi } from './replays-http';
import { startMatchRecording } from './match-recording';
import { createPlacement } from './placement';
import { resolveTypes, type GameServer, type ServerOptions } from './server-options';

export type { GameServer, ServerOptions } from './server-options';

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
    origin: async (req, placed) => {
      // A worker asked directly may place the seat on another worker: the client goes there.
      if (placed.match.worker !== workerId) {
        const owner = (await registry.workers()).find((w) => w.id === placed.match.worker);
        if (owner?.url) return owner.url;
      }
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
  const placement = createPlacement({
    registry, host, types, defaultType, classicType, requireSeat, workerId, logger,
    heartbeatMs: (options.pingIntervalMs ?? 5000) + (options.pingTimeoutMs ?? 4000),
    isDraining: () => draining,
  });

  const report = (): { worker: WorkerInfo; matches: MatchInfo[] } => {
    const matches: MatchInfo[] = [];
    let players = 0;
    for (const m of host.matches.values()) {
      const n = m.players + (placement.inFlight.get(m.id) ?? 0);
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
  io.use(placement.admit);
  io.on('connection', placement.join);

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
  if (options.cluster) await awaitRegistry(registry, options.cluster.registryWaitMs ?? 5000, logger);
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
