// The gateway: a stateless HTTP front for a cluster of workers. It matchmakes (POST /matchmake),
// lists matches and workers, serves the admin dashboard and cluster metrics, and proxies
// Socket.IO traffic (long-polling and WebSocket) to the worker that hosts a player's match, so
// that browsers only ever talk to one origin. Any number of gateways can run side by side: all
// they share is the registry (and each keeps its own sid pins, so a load balancer in front of
// several gateways must keep a polling client on one gateway, as for any Engine.IO server).
// Over 250 lines because it is one HTTP server whose routes and proxy share the registry and the
// sid pins; the API (http-api.ts), admin pages (admin-pages.ts) and pins (pins.ts) are their own.
import { Agent, createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { pino, type Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry as MetricsRegistry } from 'prom-client';
import { createStaticHandler } from '../server/static';
import { replayPathId } from '../server/replays-http';
import { createGatewayReplays } from './gateway-replays';
import { createAdminCheck, createMatchmakingApi, denied, sendJson, STATUS } from './http-api';
import { awaitRegistry, ID_PATTERN, RegistryError, type MatchInfo, type Registry, type RegistryStats, type WorkerView } from './registry';
import { openPacketSid, SidPins } from './pins';
import { createAdminPages, warnIfAdminOpen, type DashboardStats } from './admin-pages';

/** A kind of match players can ask for. */
export interface MatchType {
  /** Most players in one match of this type. */
  capacity: number;
}

/** Options of `createGateway`. */
export interface GatewayOptions {
  registry: Registry;
  /** TCP port; 0 picks a free one. Default 5000. */
  port?: number;
  /** Interface to listen on. Default '0.0.0.0'. */
  host?: string;
  /** Match types players may ask for, by name. */
  types: Record<string, MatchType>;
  /** Type a plain Socket.IO client at /socket.io/ (no matchmaking of its own) is placed in. Default 'classic'. */
  classicType?: string;
  /** Public origin given to clients (`https://play.example`); default the request's own Host. */
  publicUrl?: string;
  /** Folder with the built browser client, served at `/`. */
  staticDir?: string;
  /** Required (Bearer or dashboard cookie) for /dashboard, /metrics, /workers. Default ADMIN_TOKEN from the environment. */
  adminToken?: string;
  logger?: Logger;
  /** How long the gateway trusts its copy of the worker list. Default 1000 ms. */
  workerCacheMs?: number;
  /** A polling session's pin is forgotten after this long unused. Default 60 000 ms. */
  pinIdleMs?: number;
  /** Most sid pins kept. Default 100 000. */
  maxPins?: number;
  /** How long to wait for the registry before listening (see `awaitRegistry`). Default 5000 ms. */
  registryWaitMs?: number;
}

/** A running gateway. */
export interface Gateway {
  /** `http://host:port` as reachable from this machine. */
  readonly url: string;
  readonly port: number;
  readonly http: HttpServer;
  /** Prometheus registry behind /metrics. */
  readonly metrics: MetricsRegistry;
  /** Polling sessions currently pinned to a worker. */
  readonly pins: number;
  /** Closes the port, every proxied connection and the proxy's sockets; leaves the registry open. */
  close(): Promise<void>;
}

const SOCKET_IO = '/socket.io/';
const WORKER_PATH = /^\/([A-Za-z0-9_-]{1,64})(\/socket\.io\/.*)$/s;
const MAX_BODY = 4096;

/**
 * Starts a gateway. Workers are found through `registry`; the gateway proxies only to worker
 * URLs found there, never to an address a client names.
 * @throws if the port cannot be bound.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const registry = options.registry;
  const log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info', base: { app: 'skirmish-gateway' } });
  const classicType = options.classicType ?? 'classic';
  const adminToken = options.adminToken ?? process.env.ADMIN_TOKEN ?? '';
  const cacheMs = options.workerCacheMs ?? 1000;
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const pins = new SidPins(options.pinIdleMs ?? 60_000, options.maxPins ?? 100_000);
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 64 });
  const proxy = createProxyServer({ xfwd: true, agent });
  const upgraded = new Set<Duplex>();
  let closing = false;

  // ---- metrics ----
  const metrics = new MetricsRegistry();
  const matchmakeSeconds = new Histogram({
    name: 'skirmish_matchmake_seconds', help: 'Time to place a player (registry round trip included), by outcome.',
    labelNames: ['outcome'], registers: [metrics], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  let snapshotAt = 0;
  let snapshot: Promise<{ matches: MatchInfo[]; workers: WorkerView[]; stats: RegistryStats } | undefined> | undefined;
  // One registry read per scrape, shared by every metric below.
  const cluster = () => {
    if (!snapshot || Date.now() - snapshotAt > 250) {
      snapshotAt = Date.now();
      snapshot = Promise.all([registry.matches(), registry.workers(), registry.stats()]).then(
        ([matches, workers, stats]) => ({ matches, workers, stats }),
        () => undefined,
      );
    }
    return snapshot;
  };
  new Gauge({
    name: 'skirmish_cluster_registry_up', help: '1 when the registry answered the last scrape.', registers: [metrics],
    async collect() { this.set((await cluster()) ? 1 : 0); },
  });
  new Gauge({
    name: 'skirmish_cluster_workers', help: 'Live workers.', registers: [metrics],
    async collect() { const c = await cluster(); if (c) this.set(c.workers.length); },
  });
  const byType = (c: { matches: MatchInfo[] }, pick: (m: MatchInfo) => number): Map<string, number> => {
    const out = new Map<string, number>();
    for (const m of c.matches) out.set(m.type, (out.get(m.type) ?? 0) + pick(m));
    return out;
  };
  new Gauge({
    name: 'skirmish_cluster_matches', help: 'Live matches, by type.', labelNames: ['type'], registers: [metrics],
    async collect() {
      const c = await cluster();
      if (!c) return;
      this.reset();
      for (const [type, n] of byType(c, () => 1)) this.set({ type }, n);
    },
  });
  new Gauge({
    name: 'skirmish_cluster_players', help: 'Seated players, by match type.', labelNames: ['type'], registers: [metrics],
    async collect() {
      const c = await cluster();
      if (!c) return;
      this.reset();
      for (const [type, n] of byType(c, (m) => m.players)) this.set({ type }, n);
    },
  });
  new Gauge({
    name: 'skirmish_cluster_reservations_pending', help: 'Seats reserved and not yet claimed.', registers: [metrics],
    async collect() { const c = await cluster(); if (c) this.set(c.matches.reduce((s, m) => s + (m.reserved ?? 0), 0)); },
  });
  new Counter({
    name: 'skirmish_cluster_reservations_total', help: 'Seat reservations, by what became of them (cluster-wide).',
    labelNames: ['state'], registers: [metrics],
    async collect() {
      const c = await cluster();
      if (!c) return;
      this.reset();
      this.inc({ state: 'made' }, c.stats.made);
      this.inc({ state: 'used' }, c.stats.used);
      this.inc({ state: 'expired' }, c.stats.expired);
    },
  });
  new Gauge({
    name: 'skirmish_gateway_pins', help: 'Long-polling sessions pinned to a worker by this gateway.', registers: [metrics],
    collect() { this.set(pins.size); },
  });

  // ---- workers, cached so proxying survives a registry outage ----
  let workers = new Map<string, WorkerView>();
  let fetchedAt = 0;
  let refreshing: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    refreshing ??= registry.workers().then(
      (list) => {
        const next = new Map(list.map((w) => [w.id, w]));
        for (const id of workers.keys()) if (!next.has(id)) pins.dropWorker(id);
        workers = next;
      },
      (error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'worker list unavailable; using the last one'),
    ).finally(() => {
      fetchedAt = Date.now();
      refreshing = undefined;
    });
    return refreshing;
  };
  /** A live worker by id; `fromRegistry` when the id came from a placement rather than from a client. */
  const findWorker = async (id: string, fromRegistry = false): Promise<WorkerView | undefined> => {
    const known = workers.get(id);
    const age = Date.now() - fetchedAt;
    if (known) {
      if (age > cacheMs) void refresh();
      return known;
    }
    // A worker we have not heard of may be new: ask, but for ids clients make up at most every
    // 200 ms, so junk paths cannot turn into a flood of registry reads.
    if (fromRegistry || age > 200 || refreshing) await refresh();
    return workers.get(id);
  };

  /** Some live worker (the first known), to answer a request no particular worker owns. */
  const anyWorker = async (): Promise<WorkerView | undefined> => {
    if (workers.size === 0 || Date.now() - fetchedAt > cacheMs) await refresh();
    return workers.values().next().value;
  };

  /** Reserves a seat, timing it; the error is a RegistryError. */
  const place = async (request: { type: string; matchId?: string; create?: boolean }) => {
    const started = performance.now();
    const type = options.types[request.type];
    try {
      if (!type) throw new RegistryError('bad_type', `unknown match type ${JSON.stringify(request.type).slice(0, 70)}`);
      const placed = await registry.placeSeat({ ...request, capacity: type.capacity });
      matchmakeSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      return placed;
    } catch (error) {
      const code = error instanceof RegistryError ? error.code : 'unavailable';
      matchmakeSeconds.observe({ outcome: code }, (performance.now() - started) / 1000);
      throw error instanceof RegistryError ? error : new RegistryError('unavailable', 'registry failed', { cause: error });
    }
  };

  // ---- proxying ----
  // Handshakes through /socket.io/ are read to learn the sid the worker gave the session.
  const sniff = new WeakMap<IncomingMessage, string>();
  proxy.on('proxyRes', (proxyRes, req) => {
    const worker = sniff.get(req);
    if (worker === undefined) return;
    const chunks: Buffer[] = [];
    let size = 0;
    proxyRes.on('data', (chunk: Buffer) => {
      if (size < MAX_BODY) chunks.push(chunk);
      size += chunk.length;
    });
    proxyRes.on('end', () => {
      const sid = openPacketSid(Buffer.concat(chunks).toString('utf8'));
      if (sid !== undefined) pins.set(sid, worker);
    });
  });
  proxy.on('error', (error, req, res) => {
    log.warn({ err: error.message, url: req.url }, 'proxy: worker unreachable');
    if ('writeHead' in res) {
      if (!res.headersSent) sendJson(res, 502, { error: 'worker_unreachable', message: 'the match server did not answer' });
      else res.destroy();
    } else {
      res.destroy();
    }
  });
  proxy.on('open', (proxySocket) => {
    upgraded.add(proxySocket);
    proxySocket.once('close', () => upgraded.delete(proxySocket));
  });

  /** Where a Socket.IO request goes: worker + rewritten URL, or an HTTP error to answer with. */
  type Route = { worker: WorkerView; url: string; sniffSid: boolean } | { status: number; body: object };
  const route = async (req: IncomingMessage, upgrade: boolean): Promise<Route> => {
    const raw = req.url ?? '/';
    const prefixed = WORKER_PATH.exec(raw);
    if (prefixed) {
      const worker = await findWorker(prefixed[1]!);
      if (!worker) return { status: 404, body: { error: 'unknown_worker', message: 'no such match server (it may have stopped): matchmake again' } };
      return { worker, url: prefixed[2]!, sniffSid: false };
    }
    if (!raw.startsWith(SOCKET_IO)) return { status: 404, body: { error: 'not_found', message: 'not found' } };
    const url = new URL(raw, 'http://gateway');
    const sid = url.searchParams.get('sid');
    if (sid !== null) {
      const pinned = ID_PATTERN.test(sid) ? pins.get(sid) : undefined;
      const worker = pinned === undefined ? undefined : await findWorker(pinned);
      // Engine.IO's own answer for a sid it does not know: the client starts a new session.
      if (!worker) return { status: 400, body: { code: 1, message: 'Session ID unknown' } };
      return { worker, url: raw, sniffSid: false };
    }
    // Engine.IO's own refusals, checked before a seat is spent on a request that cannot open a session.
    const transport = url.searchParams.get('transport');
    if (transport !== 'polling' && transport !== 'websocket') return { status: 400, body: { code: 0, message: 'Transport unknown' } };
    if (url.searchParams.get('EIO') !== '4') return { status: 400, body: { code: 5, message: 'Unsupported protocol version' } };
    if (!upgrade && req.method !== 'GET') return { status: 400, body: { code: 2, message: 'Bad handshake method' } };
    const spectate = url.searchParams.get('spectate');
    if (spectate !== null) {
      // A spectator needs no seat: it goes to the worker owning the match. An unknown match goes to
      // any live worker, which refuses it with the code an embedded server gives (`match_unknown`).
      const match = ID_PATTERN.test(spectate) ? await registry.match(spectate).catch(() => undefined) : undefined;
      const worker = match === undefined ? await anyWorker() : await findWorker(match.worker, true);
      if (!worker) return { status: 503, body: { error: 'unavailable', message: 'no match server is reachable' } };
      return { worker, url: raw, sniffSid: !upgrade };
    }
    if (!options.types[classicType]) return { status: 404, body: { error: 'bad_type', message: `no ${classicType} matches here` } };
    // A new session: place the player, hand the worker its seat, and remember where it went. A
    // resume token cannot steer this: it comes in the Socket.IO CONNECT after the session is open
    // on a worker (see README.md); clients that resume reconnect on their worker's path instead.
    let placed;
    try {
      placed = await place({ type: classicType });
    } catch (error) {
      const e = error as RegistryError;
      return { status: STATUS[e.code] ?? 503, body: { error: e.code, message: e.message } };
    }
    const worker = await findWorker(placed.match.worker, true);
    if (!worker) return { status: 503, body: { error: 'unavailable', message: 'the chosen match server is not reachable' } };
    url.searchParams.set('seat', placed.seat.token);
    url.searchParams.set('match', placed.seat.matchId);
    return { worker, url: url.pathname + url.search, sniffSid: !upgrade };
  };

  const proxyWeb = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const r = await route(req, false);
    if ('status' in r) return sendJson(res, r.status, r.body);
    req.url = r.url;
    if (r.sniffSid) {
      sniff.set(req, r.worker.id);
      // The open packet must come back as plain text for the gateway to read its sid.
      delete req.headers['accept-encoding'];
    }
    proxy.web(req, res, { target: r.worker.url });
  };

  const proxyUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const r = await route(req, true);
    if (socket.destroyed) return;
    if ('status' in r) {
      const body = JSON.stringify(r.body);
      socket.end(`HTTP/1.1 ${r.status} ${r.status === 400 ? 'Bad Request' : 'Error'}\r\ncontent-type: application/json\r\n`
        + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    req.url = r.url;
    proxy.ws(req, socket, head, { target: r.worker.url });
  };

  // ---- admin and the matchmaking API (shared with the embedded server) ----
  const admin = createAdminCheck(adminToken);
  const isAdmin = admin.isAdmin;
  const api = createMatchmakingApi({
    registry, place, isAdmin,
    origin: (req) => publicOrigin(req),
    path: (placed) => `/${placed.match.worker}/socket.io/`,
  });
  const adminPages = createAdminPages({
    admin, stats: () => clusterStats(), secureCookie: (options.publicUrl ?? '').startsWith('https:'),
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = req.url ?? '/';
    if (WORKER_PATH.test(raw) || raw.startsWith(SOCKET_IO)) return proxyWeb(req, res);
    const path = raw.split('?')[0] ?? '/';
    const replayId = replayPathId(path);
    if (replayId !== undefined) return serveReplays(req, res, replayId);
    if (await api(req, res, path)) return;
    if (await adminPages(req, res, path)) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: 'method', message: 'method not allowed' });
    }
    if (path === '/metrics') {
      if (!isAdmin(req)) return denied(res);
      const text = await metrics.metrics();
      res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
      return;
    }
    if (path === '/stats') {
      if (!isAdmin(req)) return denied(res);
      return sendJson(res, 200, await clusterStats());
    }
    if (serveStatic) return serveStatic(req, res);
    sendJson(res, 404, { error: 'not_found', message: 'not found' });
  };

  const serveReplays = createGatewayReplays({
    registry,
    workers: () => registry.workers().catch(() => [...workers.values()]),
    findWorker: (id) => findWorker(id, true),
    forward: (req, res, worker) => proxy.web(req, res, { target: worker.url }),
  });

  /** Each live worker's /stats (matches, players, recent tick p99 by type), fetched with the admin token, 1 s at most. */
  const clusterStats = async (): Promise<DashboardStats> => {
    const list = await registry.workers().catch(() => [...workers.values()]);
    const rows = await Promise.all(list.map(async (w) => {
      try {
        const res = await fetch(`${w.url}/stats`, {
          headers: adminToken ? { authorization: `Bearer ${adminToken}` } : {}, signal: AbortSignal.timeout(1000),
        });
        const body = (await res.json()) as { matches: number; players: number; tickP99Ms: Record<string, number> };
        return { id: w.id, matches: body.matches, players: body.players, tickP99Ms: body.tickP99Ms };
      } catch {
        return { id: w.id, matches: w.matches, players: w.players, tickP99Ms: {}, unreachable: true };
      }
    }));
    return { t: Date.now(), workers: rows };
  };

  const publicOrigin = (req: IncomingMessage): string => {
    if (options.publicUrl) return options.publicUrl.replace(/\/+$/, '');
    const host = req.headers.host;
    // The Host header is the origin the client used; anything odd in it is not echoed back.
    return host && /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host) ? `http://${host}` : gatewayUrl;
  };

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'gateway request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal', message: 'internal error' });
      else res.destroy();
    });
  });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    if (closing) return void socket.destroy();
    proxyUpgrade(req, socket, head).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'gateway upgrade failed');
      socket.destroy();
    });
  });

  const host = options.host ?? '0.0.0.0';
  await awaitRegistry(registry, options.registryWaitMs ?? 5000, log);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 5000, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const gatewayUrl = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  warnIfAdminOpen(log, adminToken, host, port);
  void refresh();
  log.info({ port, host, types: Object.keys(options.types) }, 'skirmish gateway listening');

  return {
    url: gatewayUrl,
    port,
    http,
    metrics,
    get pins() {
      return pins.size;
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const socket of upgraded) socket.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      agent.destroy();
      metrics.clear();
      await refreshing;
    },
  };
}

