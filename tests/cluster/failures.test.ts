// A real cluster under failure: redis-server, a gateway in this process, and two worker
// processes (game/worker.ts) on 127.0.0.2 and 127.0.0.3. One suite, steps in order, because
// starting workers is the slow part: play through the gateway (engine and classic polling), Redis
// down and back, gateway restarted, a worker SIGKILLed, a worker drained with SIGTERM.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import { createClient, type GameClient } from '../../net/client';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { reckoned, sleep, waitFor, within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';
import { startWorker, type WorkerProcess } from './worker-process';

const TYPES = { classic: { capacity: 16 }, arena: { capacity: 500 } };
const PREFIX = `failtest${process.pid}:`;

interface Ctx {
  redis: RedisServer;
  registry: RedisRegistry;
  gateway: Gateway;
  port: number;
  workers: WorkerProcess[];
  clients: GameClient[];
  sockets: Socket[];
}

const Failures = suite<Ctx>('cluster failures (real redis-server, worker processes)');
const skip = !haveRedis();

Failures.before(async (ctx) => {
  if (skip) return;
  ctx.clients = [];
  ctx.sockets = [];
  ctx.redis = new RedisServer(await freePort());
  await ctx.redis.start();
  // Default timings throughout (worker TTL, heartbeat): what the 10 s promise is about.
  ctx.registry = createRedisRegistry({ url: ctx.redis.url, prefix: PREFIX, logger: pino({ level: 'silent' }) });
  ctx.port = await freePort();
  ctx.gateway = await createGateway({ registry: ctx.registry, host: '127.0.0.1', port: ctx.port, types: TYPES, logger: pino({ level: 'silent' }) });
  ctx.workers = await Promise.all([startWorker(ctx.redis.url, PREFIX, 'wa', '127.0.0.2'), startWorker(ctx.redis.url, PREFIX, 'wb', '127.0.0.3')]);
  const deadline = Date.now() + 10_000;
  while ((await ctx.registry.workers().catch(() => [])).length < 2 && Date.now() < deadline) await sleep(100);
});

Failures.after(async (ctx) => {
  if (skip) return;
  for (const c of ctx.clients) c.close();
  for (const s of ctx.sockets) s.disconnect();
  for (const w of ctx.workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await Promise.all(ctx.workers.map((w) => w.exit));
  await ctx.gateway.close();
  await ctx.registry.close();
  await ctx.redis.stop();
});

const json = async (url: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
};
const matchmakeAt = (ctx: Ctx, body: object) =>
  json(`${ctx.gateway.url}/matchmake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const workerOf = async (ctx: Ctx, matchId: string | undefined): Promise<string | undefined> =>
  (await ctx.registry.matches()).find((m) => m.id === matchId)?.worker;
/** Resolves when `observer` sees `mover` walk more than 2 units (states keep flowing both ways). */
const seesMove = async (observer: GameClient, mover: GameClient, ms = 5000): Promise<void> => {
  const id = mover.welcome!.id;
  // The server says nothing while a walker keeps its direction: read the observer's dead-reckoned
  // position for the server's current tick, not the last message's.
  const where = (): { x: number; y: number } | undefined => {
    const tick = observer.clock.samples > 0 ? observer.clock.serverNow(performance.now()) / observer.world.tickMs : observer.world.lastTick;
    return reckoned(observer, id, tick);
  };
  let start = where();
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const now = where();
    // Right after a (re)welcome the mirror is empty until the first state: start from then.
    start ??= now;
    mover.sendInput({ mx: (now?.x ?? 0) < 50 ? 1 : -1, my: 0, attack: false });
    await sleep(50);
    if (start && now && Math.abs(now.x - start.x) > 2) return;
  }
  throw new Error('no movement seen');
};

Failures('two delta clients through the gateway land in the same classic match and see each other move', async (ctx) => {
  if (skip) return reportRedisSkipped();
  const a = createClient({ url: ctx.gateway.url, type: 'classic' });
  const b = createClient({ url: ctx.gateway.url, type: 'classic' });
  ctx.clients.push(a, b);
  await waitFor(() => a.localEntity !== undefined && b.localEntity !== undefined, 15_000, 'both placed');
  assert.is(a.matchId, b.matchId);
  await waitFor(() => a.world.entities.has(b.welcome!.id) && b.world.entities.has(a.welcome!.id), 5000, 'each sees the other');
  await seesMove(a, b);
  // The dashboard's data and chart library come from the gateway itself.
  const stats = (await json(`${ctx.gateway.url}/stats`)).body as { workers: { id: string; players: number; tickP99Ms: Record<string, number> }[] };
  assert.equal(stats.workers.map((w) => w.id).sort(), ['wa', 'wb']);
  assert.is(stats.workers.reduce((n, w) => n + w.players, 0), 2);
  assert.ok(stats.workers.some((w) => typeof w.tickP99Ms.classic === 'number'));
  const uplot = await fetch(`${ctx.gateway.url}/dashboard/uplot.js`);
  assert.is(uplot.status, 200);
  assert.ok((await uplot.text()).includes('uPlot'));
  assert.match(await (await fetch(`${ctx.gateway.url}/dashboard`)).text(), /uplot\.js/);
});

Failures('a classic polling-only client plays through the gateway', async (ctx) => {
  if (skip) return;
  const s = connect(ctx.gateway.url, { transports: ['polling'], reconnection: false });
  ctx.sockets.push(s);
  const moved: string[] = [];
  s.on('player_moved', (p: { id: string }) => moved.push(p.id));
  await within(10_000, new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  }), 'classic polling connect');
  for (let i = 0; i < 10 && !moved.includes(s.id!); i++) {
    s.emit('move', { x: 30 + i * 3, y: 30 });
    await sleep(100);
  }
  await waitFor(() => moved.includes(s.id!), 3000, 'its own move echoed');
});

Failures('Redis stopped: matches keep ticking and players keep playing, /matchmake is 503; back within 10 s of Redis returning', async (ctx) => {
  if (skip) return;
  const [a, b] = ctx.clients as [GameClient, GameClient];
  await ctx.redis.stop();
  const down = await matchmakeAt(ctx, { type: 'classic' });
  assert.is(down.status, 503);
  assert.is(down.body.error, 'unavailable');
  assert.type(down.body.message, 'string');
  let states = 0;
  const off = a.on('state', () => void states++);
  await seesMove(a, b);
  // A walker that keeps its direction costs no message: b turns every 100 ms for 1.5 s, and every
  // turn must reach a through the tick loop, which never waits on Redis.
  for (let i = 0; i < 15; i++) {
    b.sendInput({ mx: i % 2 === 0 ? 1 : -1, my: 0, attack: false });
    await sleep(100);
  }
  await sleep(300);
  off();
  assert.ok(states > 10, `states keep coming while Redis is down (${states})`);
  assert.is(a.status, 'connected');
  await ctx.redis.start();
  const back = Date.now();
  let ok = false;
  while (!ok && Date.now() - back < 10_000) {
    const r = await matchmakeAt(ctx, { type: 'classic' });
    ok = r.status === 200 && (await ctx.registry.workers()).length === 2;
    if (!ok) await sleep(250);
  }
  assert.ok(ok, 'matchmaking and both workers back within 10 s');
  assert.ok((await ctx.registry.matches()).some((m) => m.id === a.matchId), 'the running match re-registered');
});

Failures('gateway restarted: matches keep ticking and clients reconnect through the new gateway', async (ctx) => {
  if (skip) return;
  const [a, b] = ctx.clients as [GameClient, GameClient];
  const match = a.matchId;
  await ctx.gateway.close();
  await sleep(300);
  ctx.gateway = await createGateway({ registry: ctx.registry, host: '127.0.0.1', port: ctx.port, types: TYPES, logger: pino({ level: 'silent' }) });
  await waitFor(() => a.status === 'connected' && b.status === 'connected' && a.welcome?.resumed && b.welcome?.resumed, 10_000, 'both resumed');
  assert.is(a.matchId, match, 'same match');
  await seesMove(a, b);
});

Failures('SIGKILL of a worker at the default TTL: its matches leave /matches within 10 s and its clients are placed elsewhere', async (ctx) => {
  if (skip) return;
  const [a] = ctx.clients as [GameClient];
  const worker = await workerOf(ctx, a.matchId);
  assert.ok(worker, 'the clients\' worker is known');
  const victim = ctx.workers.find((w) => w.id === worker)!;
  const other = ctx.workers.find((w) => w.id !== worker)!;
  const dead = (await ctx.registry.matches()).filter((m) => m.worker === victim.id).map((m) => m.id);
  const disconnected = new Promise<void>((r) => a.on('status', (s) => s !== 'connected' && r()));
  // The worst case: killed just after a heartbeat renewed its TTL.
  const age = async (): Promise<number> => (await ctx.registry.workers()).find((w) => w.id === victim.id)?.heartbeatAgeMs ?? Infinity;
  const beatBy = Date.now() + 5000;
  let last = await age();
  for (let fresh = await age(); !(fresh < last); fresh = await age()) {
    assert.ok(Date.now() < beatBy, 'the victim beats within 5 s');
    last = fresh;
    await sleep(20);
  }
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  await victim.exit;
  await within(5000, disconnected, 'a told of the disconnect');
  let gone = false;
  while (!gone && Date.now() - killedAt < 10_000) {
    const listed = (await json(`${ctx.gateway.url}/matches`)).body as { id: string }[];
    gone = !listed.some((m) => dead.includes(m.id));
    if (!gone) await sleep(200);
  }
  const goneMs = Date.now() - killedAt;
  // The 10 s, with 2 s to spare for a loaded machine (a 10 s TTL would take all of it).
  assert.ok(gone && goneMs < 8000, `the dead worker's matches left /matches within 8 s of the kill (${goneMs} ms)`);
  await waitFor(() => a.status === 'connected' && a.localEntity !== undefined && a.matchId !== undefined && !dead.includes(a.matchId), 20_000, 'a placed elsewhere');
  assert.is(await workerOf(ctx, a.matchId), other.id);
});

Failures('SIGTERM on a worker drains it: players told to move on, it leaves the registry and exits 0', async (ctx) => {
  if (skip) return;
  const live = ctx.workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
  const s = connect(ctx.gateway.url, { transports: ['websocket'], reconnection: false });
  ctx.sockets.push(s);
  const told = new Promise<unknown>((r) => s.once('reconnect_elsewhere', r));
  await within(10_000, new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  }), 'classic connect');
  live.child.kill('SIGTERM');
  await within(5000, told, 'reconnect_elsewhere');
  assert.is(await within(10_000, live.exit, 'worker exit'), 0);
  assert.is((await ctx.registry.workers()).filter((w) => w.id === live.id).length, 0, 'left the registry at once');
});

Failures.run();
