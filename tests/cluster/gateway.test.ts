// The gateway in front of two real Socket.IO workers (127.0.0.2 and 127.0.0.3) sharing a memory
// registry: matchmaking, proxying both transports, sid pinning for classic clients, error
// answers, admin token. The workers are minimal but real: they heartbeat, admit seats through
// the registry, and echo who they are.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { pino } from 'pino';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { MemoryRegistry } from '../../net/cluster/memory-registry';
import { RedisRegistry } from '../../net/cluster/redis-registry';
import { RegistryError, type MatchInfo, type Registry } from '../../net/cluster/registry';
import { admitSeat, readSeat, startHeartbeat, type Heartbeat, type PresentedSeat } from '../../net/cluster/worker';
import { sleep, waitFor, within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

const silent = pino({ level: 'silent' });
const TYPES = { classic: { capacity: 16 }, duel: { capacity: 1 } };

interface Hello {
  worker: string;
  matchId: string;
  seat?: string;
}

/** A worker process in miniature: Socket.IO on its own address, seats admitted through the registry. */
interface FakeWorker {
  id: string;
  url: string;
  /** Seats presented at handshakes, in order. */
  seats: (PresentedSeat | undefined)[];
  /** HTTP requests and upgrades that carried each Engine.IO sid. */
  sids: Map<string, number>;
  close(): Promise<void>;
}

async function startWorker(id: string, host: string, registry: Registry): Promise<FakeWorker> {
  const http: HttpServer = createServer();
  const io = new Server(http, { pingInterval: 100, pingTimeout: 2000, serveClient: false });
  const seats: (PresentedSeat | undefined)[] = [];
  const sids = new Map<string, number>();
  const count = (url: string | undefined): void => {
    const sid = new URL(url ?? '/', 'http://x').searchParams.get('sid');
    if (sid !== null) sids.set(sid, (sids.get(sid) ?? 0) + 1);
  };
  // Added after Socket.IO so they see every request without answering any.
  http.on('request', (req) => count(req.url));
  http.on('upgrade', (req) => count(req.url));
  const hosted = new Map<string, MatchInfo>();
  // Claims in flight count as players in heartbeats, so a beat racing a claim cannot undo it.
  const claiming = new Map<string, number>();
  const bump = (matchId: string, by: number): void => {
    const n = (claiming.get(matchId) ?? 0) + by;
    if (n === 0) claiming.delete(matchId);
    else claiming.set(matchId, n);
  };
  io.use(async (socket, next) => {
    const seat = readSeat(socket.handshake);
    seats.push(seat);
    if (seat) bump(seat.matchId, 1);
    const admission = await admitSeat(registry, id, seat);
    if (seat) bump(seat.matchId, -1);
    if (!admission.ok) return next(Object.assign(new Error(admission.message), { data: { code: admission.code } }));
    const match = hosted.get(admission.match.id) ?? { ...admission.match, players: 0, reserved: undefined };
    match.players++;
    hosted.set(match.id, match);
    socket.data.matchId = match.id;
    next();
  });
  io.on('connection', (socket) => {
    const matchId = socket.data.matchId as string;
    socket.emit('hello', { worker: id, matchId, seat: readSeat(socket.handshake)?.token } satisfies Hello);
    socket.on('echo', (n: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack({ worker: id, n });
    });
    socket.on('disconnect', () => {
      const match = hosted.get(matchId);
      if (match) match.players--;
      registry.releasePlayer(matchId).catch(() => undefined);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const url = `http://${host}:${(http.address() as AddressInfo).port}`;
  const beat: Heartbeat = startHeartbeat({
    registry, intervalMs: 200, logger: silent,
    report: () => {
      const matches = [...hosted.values()].map((m) => ({ ...m, players: m.players + (claiming.get(m.id) ?? 0) }));
      const players = matches.reduce((s, m) => s + m.players, 0);
      return { worker: { id, pid: process.pid, host, url, matches: matches.length, players }, matches };
    },
  });
  await beat.beat();
  return {
    id, url, seats, sids,
    async close() {
      beat.stop();
      io.disconnectSockets(true);
      http.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

interface Ctx {
  registry: MemoryRegistry;
  workers: FakeWorker[];
  gateway: Gateway;
  extra: Gateway[];
  clients: ClientSocket[];
  /** Connects through the gateway; resolves with the worker's hello or rejects with the connect error. */
  join(url: string, options: Parameters<typeof connect>[1]): Promise<{ socket: ClientSocket; hello: Hello }>;
}

const G = suite<Ctx>('cluster gateway');
G.before.each(async (ctx) => {
  ctx.registry = new MemoryRegistry();
  ctx.workers = [await startWorker('w1', '127.0.0.2', ctx.registry), await startWorker('w2', '127.0.0.3', ctx.registry)];
  ctx.gateway = await createGateway({ registry: ctx.registry, port: 0, host: '127.0.0.1', types: TYPES, logger: silent, adminToken: '' });
  ctx.extra = [];
  ctx.clients = [];
  ctx.join = (url, options) => {
    const socket = connect(url, { forceNew: true, reconnection: false, ...options });
    ctx.clients.push(socket);
    return within(5000, new Promise((resolve, reject) => {
      socket.once('hello', (hello: Hello) => resolve({ socket, hello }));
      socket.once('connect_error', reject);
    }), 'client to be welcomed by a worker');
  };
});
G.after.each(async (ctx) => {
  for (const c of ctx.clients) c.disconnect();
  for (const g of [ctx.gateway, ...ctx.extra]) await g.close();
  for (const w of ctx.workers) await w.close();
  await ctx.registry.close();
  // Servers report 'close' before libuv has released their handles; let it, so leak checks are quiet.
  await sleep(20);
});

async function post(gateway: Gateway, body: string | object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${gateway.url}/matchmake`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code ?? (error as Error).message;
  }
  return undefined;
}

G('POST /matchmake, then WebSocket and polling through the gateway reach the match\'s worker', async (ctx) => {
  const { gateway, workers } = ctx;
  const a = await post(gateway, { type: 'classic', create: true });
  const b = await post(gateway, { type: 'classic', create: true });
  assert.is(a.status, 200);
  assert.is(b.status, 200);
  assert.is(a.json.url, gateway.url, 'the gateway\'s own origin');
  assert.is(a.json.type, 'classic');
  assert.type(a.json.seat, 'string');
  assert.type(a.json.matchId, 'string');
  // Two new matches land on two workers (least loaded), each reachable under its worker's path.
  assert.equal([a.json.path, b.json.path].sort(), ['/w1/socket.io/', '/w2/socket.io/']);
  const workerOf = (p: unknown) => String(p).split('/')[1];

  const ws = await ctx.join(gateway.url, { path: a.json.path as string, transports: ['websocket'], auth: { seat: a.json.seat, matchId: a.json.matchId } });
  assert.is(ws.hello.worker, workerOf(a.json.path));
  assert.is(ws.hello.matchId, a.json.matchId);
  const polling = await ctx.join(gateway.url, { path: b.json.path as string, transports: ['polling'], auth: { seat: b.json.seat, matchId: b.json.matchId } });
  assert.is(polling.hello.worker, workerOf(b.json.path));
  for (let n = 0; n < 5; n++) {
    const echo = (await within(2000, polling.socket.emitWithAck('echo', n), 'echo')) as { worker: string; n: number };
    assert.equal(echo, { worker: workerOf(b.json.path), n });
  }
  const wsWorker = workers.find((w) => w.id === workerOf(a.json.path))!;
  assert.equal(wsWorker.seats[0], { matchId: a.json.matchId, token: a.json.seat }, 'the worker was handed the seat');
  assert.is((await ctx.registry.match(a.json.matchId as string))!.players, 1, 'claimed: a seated player');

  // A seat works once, only on its own worker, and only if real.
  const again = { path: a.json.path as string, transports: ['websocket'], auth: { seat: a.json.seat, matchId: a.json.matchId } };
  assert.is(await refusal(ctx.join(gateway.url, again)), 'seat_used');
  const forged = { ...again, auth: { seat: 'AAAAAAAAAAAAAAAAAAAAAA', matchId: a.json.matchId } };
  assert.is(await refusal(ctx.join(gateway.url, forged)), 'seat_unknown');
  const c = await post(gateway, { type: 'classic', matchId: a.json.matchId });
  const elsewhere = { path: b.json.path as string, transports: ['websocket'], auth: { seat: c.json.seat, matchId: c.json.matchId } };
  assert.is(await refusal(ctx.join(gateway.url, elsewhere)), 'seat_wrong_worker');
  assert.is(await refusal(ctx.join(gateway.url, { path: a.json.path as string, transports: ['websocket'] })), 'seat_missing');
  // …and the seat that went to the wrong worker was not spent.
  const right = await ctx.join(gateway.url, { path: c.json.path as string, transports: ['websocket'], auth: { seat: c.json.seat, matchId: c.json.matchId } });
  assert.is(right.hello.matchId, a.json.matchId);
});

G('a classic client on /socket.io/ is placed and pinned to one worker for its whole polling session', async (ctx) => {
  const { gateway, workers } = ctx;
  const sessions: { socket: ClientSocket; hello: Hello; sid: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const { socket, hello } = await ctx.join(gateway.url, { transports: ['polling'] });
    sessions.push({ socket, hello, sid: socket.io.engine.id });
  }
  // Many round trips: acks, and a ping every 100 ms, each its own HTTP request through the gateway.
  for (let n = 0; n < 20; n++) {
    for (const s of sessions) {
      const echo = (await within(2000, s.socket.emitWithAck('echo', n), 'echo')) as { worker: string };
      assert.is(echo.worker, s.hello.worker);
    }
  }
  for (const s of sessions) {
    assert.ok(s.socket.connected, 'still connected');
    assert.is(s.socket.io.engine.id, s.sid, 'one Engine.IO session throughout');
    assert.type(s.hello.seat, 'string', 'the gateway handed the worker a seat');
    const home = workers.find((w) => w.id === s.hello.worker)!;
    const other = workers.find((w) => w.id !== s.hello.worker)!;
    assert.ok((home.sids.get(s.sid) ?? 0) >= 40, `home worker saw ${home.sids.get(s.sid)} requests of the session`);
    assert.is(other.sids.get(s.sid) ?? 0, 0, 'no request of the session reached the other worker');
  }
  assert.ok(gateway.pins >= 3);
  // Classic clients fill the fullest match: all three in one.
  assert.is(new Set(sessions.map((s) => s.hello.matchId)).size, 1);
  const m = await ctx.registry.match(sessions[0]!.hello.matchId);
  assert.is(m!.players, 3);

  // WebSocket only, and polling that upgrades to WebSocket, on the same plain path.
  const ws = await ctx.join(gateway.url, { transports: ['websocket'] });
  assert.is(ws.hello.matchId, sessions[0]!.hello.matchId);
  const upgrading = await ctx.join(gateway.url, { transports: ['polling', 'websocket'] });
  await waitFor(() => upgrading.socket.io.engine.transport.name === 'websocket', 3000, 'upgrade to WebSocket');
  const echo = (await within(2000, upgrading.socket.emitWithAck('echo', 1), 'echo after upgrade')) as { worker: string };
  assert.is(echo.worker, upgrading.hello.worker);
});

G('bad requests get 400, impossible ones 404/503, all as JSON', async (ctx) => {
  const { gateway } = ctx;
  const bad = [
    ['not json', 'bad_request'], [[], 'bad_request'], [{}, 'bad_type'], [{ type: 5 }, 'bad_type'], [{ type: 'nope' }, 'bad_type'],
    [{ type: 'classic', create: 'yes' }, 'bad_request'], [{ type: 'classic', matchId: '../x' }, 'bad_request'],
    [{ type: 'classic', matchId: 'm1', create: true }, 'bad_request'],
  ] as const;
  for (const [body, error] of bad) {
    const res = await post(gateway, body as string | object);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is(res.json.error, error, JSON.stringify(body));
    assert.type(res.json.message, 'string');
  }
  const huge = await post(gateway, { type: 'classic', pad: 'x'.repeat(10_000) });
  assert.is(huge.status, 413);
  assert.is((await fetch(`${gateway.url}/matchmake`)).status, 405);
  assert.equal((await post(gateway, { type: 'classic', matchId: 'mNoSuchMatch' })).json.error, 'not_found');
  const duel = await post(gateway, { type: 'duel' });
  assert.is(duel.status, 200);
  const full = await post(gateway, { type: 'duel', matchId: duel.json.matchId });
  assert.is(full.status, 503);
  assert.is(full.json.error, 'full');
  const unknownWorker = await fetch(`${gateway.url}/nope/socket.io/?EIO=4&transport=polling`);
  assert.is(unknownWorker.status, 404);
  assert.is(((await unknownWorker.json()) as { error: string }).error, 'unknown_worker');
  const unknownSid = await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling&sid=abcdefghij`);
  assert.is(unknownSid.status, 400);
  assert.equal(await unknownSid.json(), { code: 1, message: 'Session ID unknown' });
  // Requests that cannot open an Engine.IO session are refused before any seat is reserved.
  assert.is((await fetch(`${gateway.url}/socket.io/`)).status, 400);
  assert.is((await fetch(`${gateway.url}/socket.io/?EIO=3&transport=polling`)).status, 400);
  assert.is((await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling`, { method: 'POST', body: 'x' })).status, 400);
  assert.is((await ctx.registry.stats()).made, 1, 'only the one successful /matchmake above reserved a seat');

  // No worker alive, then no registry at all: 503 with a code, for /matchmake and classic clients alike.
  const empty = new MemoryRegistry();
  const lonely = await createGateway({ registry: empty, port: 0, host: '127.0.0.1', types: TYPES, logger: silent, adminToken: '' });
  ctx.extra.push(lonely);
  const none = await post(lonely, { type: 'classic' });
  assert.is(none.status, 503);
  assert.is(none.json.error, 'no_workers');
  const classic = await fetch(`${lonely.url}/socket.io/?EIO=4&transport=polling`);
  assert.is(classic.status, 503);
  assert.is(((await classic.json()) as { error: string }).error, 'no_workers');
  await empty.close();
  const down = new Proxy({} as Registry, {
    get: (_, name) => (name === 'then' ? undefined : async () => { throw new RegistryError('unavailable', 'registry unavailable: Redis down'); }),
  });
  const cut = await createGateway({ registry: down, port: 0, host: '127.0.0.1', types: TYPES, logger: silent, adminToken: '' });
  ctx.extra.push(cut);
  const unavailable = await post(cut, { type: 'classic' });
  assert.is(unavailable.status, 503);
  assert.is(unavailable.json.error, 'unavailable');
  assert.is((await fetch(`${cut.url}/matches`)).status, 503);
  const metrics = await (await fetch(`${cut.url}/metrics`)).text();
  assert.match(metrics, /skirmish_cluster_registry_up 0/);
  assert.match(metrics, /skirmish_matchmake_seconds_count\{outcome="unavailable"\} 1/);
});

G('an admin token guards /workers, /metrics and /dashboard; /matches stays open', async (ctx) => {
  const admin = await createGateway({ registry: ctx.registry, port: 0, host: '127.0.0.1', types: TYPES, logger: silent, adminToken: 's3cret' });
  ctx.extra.push(admin);
  await post(admin, { type: 'classic' });
  const bearer = { authorization: 'Bearer s3cret' };
  for (const path of ['/workers', '/metrics']) {
    assert.is((await fetch(`${admin.url}${path}`)).status, 401, path);
    assert.is((await fetch(`${admin.url}${path}`, { headers: { authorization: 'Bearer nope' } })).status, 401, path);
  }
  const workers = (await (await fetch(`${admin.url}/workers`, { headers: bearer })).json()) as Record<string, unknown>[];
  assert.equal(workers.map((w) => w.id), ['w1', 'w2']);
  for (const w of workers) {
    assert.type(w.heartbeatAgeMs, 'number');
    assert.ok((w.heartbeatAgeMs as number) < 2000);
    assert.match(String(w.url), /^http:\/\/127\.0\.0\.[23]:\d+$/);
    assert.is(w.pid, process.pid);
  }
  const matches = (await (await fetch(`${admin.url}/matches`)).json()) as Record<string, unknown>[];
  assert.is(matches.length, 1);
  assert.equal(Object.keys(matches[0]!).sort(), ['capacity', 'createdAt', 'id', 'players', 'reserved', 'spectators', 'type', 'worker']);
  const metrics = await (await fetch(`${admin.url}/metrics`, { headers: bearer })).text();
  assert.match(metrics, /skirmish_cluster_workers 2/);
  assert.match(metrics, /skirmish_cluster_matches\{type="classic"\} 1/);
  assert.match(metrics, /skirmish_cluster_reservations_total\{state="made"\} 1/);
  assert.match(metrics, /skirmish_matchmake_seconds_count\{outcome="ok"\} 1/);
  assert.match(metrics, /skirmish_cluster_registry_up 1/);

  const login = await fetch(`${admin.url}/dashboard`);
  assert.is(login.status, 401);
  assert.match(await login.text(), /<form method="post" action="\/login">/);
  const wrong = await fetch(`${admin.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
  assert.is(wrong.status, 401);
  const right = await fetch(`${admin.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 's3cret' }), redirect: 'manual' });
  assert.is(right.status, 303);
  const cookie = (right.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.match(cookie, /^skirmish_admin=/);
  assert.not.match(cookie, /s3cret/, 'the cookie is not the token itself');
  const dashboard = await fetch(`${admin.url}/dashboard`, { headers: { cookie } });
  assert.is(dashboard.status, 200);
  assert.match(await dashboard.text(), /<h2>Workers<\/h2>/);
  assert.is((await fetch(`${admin.url}/workers`, { headers: { cookie } })).status, 200);
  // Without a token everything is open (the gateway under test listens on loopback only).
  assert.is((await fetch(`${ctx.gateway.url}/workers`)).status, 200);
  assert.is((await fetch(`${ctx.gateway.url}/dashboard`)).status, 200);
});

G.run();

if (!haveRedis()) {
  reportRedisSkipped();
} else {
  const R = suite<{ server: RedisServer; open: { close(): Promise<unknown> }[]; clients: ClientSocket[] }>('cluster gateway over Redis');
  R.before(async (ctx) => {
    ctx.server = new RedisServer(await freePort());
    await ctx.server.start();
  });
  R.after(async (ctx) => {
    await ctx.server.stop();
  });
  R.before.each((ctx) => {
    ctx.open = [];
    ctx.clients = [];
  });
  R.after.each(async (ctx) => {
    for (const c of ctx.clients) c.disconnect();
    for (const o of ctx.open.reverse()) await o.close();
    await sleep(20);
  });

  R('while Redis is down players keep playing through the gateway and matchmaking answers 503; then it all comes back', async (ctx) => {
    const prefix = `gw:${Date.now()}:`;
    // One registry client per process-to-be: two workers and the gateway.
    const registry = async () => {
      const r = new RedisRegistry({ url: ctx.server.url, prefix, logger: silent });
      await r.ready();
      return r;
    };
    const r1 = await registry();
    const r2 = await registry();
    const rg = await registry();
    const w1 = await startWorker('w1', '127.0.0.2', r1);
    const w2 = await startWorker('w2', '127.0.0.3', r2);
    const gateway = await createGateway({ registry: rg, port: 0, host: '127.0.0.1', types: TYPES, logger: silent, adminToken: '' });
    ctx.open.push(r1, r2, rg, w1, w2, gateway);
    const join = (path: string | undefined, options: Parameters<typeof connect>[1]) => {
      const socket = connect(gateway.url, { forceNew: true, reconnection: false, ...(path ? { path } : {}), ...options });
      ctx.clients.push(socket);
      return within(5000, new Promise<{ socket: ClientSocket; hello: Hello }>((resolve, reject) => {
        socket.once('hello', (hello: Hello) => resolve({ socket, hello }));
        socket.once('connect_error', reject);
      }), 'client to be welcomed');
    };
    const made = await post(gateway, { type: 'classic' });
    assert.is(made.status, 200);
    const engine = await join(made.json.path as string, { transports: ['polling'], auth: { seat: made.json.seat, matchId: made.json.matchId } });
    const classic = await join(undefined, { transports: ['polling'] });
    assert.is(classic.hello.matchId, made.json.matchId, 'the classic client joins the fullest match');

    await ctx.server.stop();
    const started = Date.now();
    const refused = await post(gateway, { type: 'classic' });
    assert.is(refused.status, 503);
    assert.is(refused.json.error, 'unavailable');
    assert.ok(Date.now() - started < 2000, `503 after ${Date.now() - started} ms`);
    assert.is((await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling`)).status, 503);
    // Sessions already open go on: pinned sids and cached worker addresses need no Redis.
    for (let n = 0; n < 10; n++) {
      for (const c of [engine, classic]) {
        const echo = (await within(2000, c.socket.emitWithAck('echo', n), 'echo while Redis is down')) as { worker: string };
        assert.is(echo.worker, c.hello.worker);
      }
    }

    await ctx.server.start();
    // A new, empty Redis: the workers' heartbeats put their matches back, with their players.
    const back = Date.now();
    const again = await waitForAsync(async () => {
      const res = await post(gateway, { type: 'classic' });
      return res.status === 200 ? res : undefined;
    }, 10_000, 'matchmaking to work again');
    assert.is(again.json.matchId, made.json.matchId, 'placed in the re-registered match');
    const match = await rg.match(made.json.matchId as string);
    assert.is(match!.players, 2);
    assert.ok(Date.now() - back < 10_000);
  });

  R.run();
}

async function waitForAsync<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}
