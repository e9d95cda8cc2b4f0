// A gateway and a worker started before their Redis accepts connections (a cluster coming up all
// at once, or a Redis slower to start than the processes): both wait for it, so the first player
// is placed and seated rather than refused 503. Past the wait they start anyway, placement
// answers 503 meanwhile, and everything works once Redis is up.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { gameTypes, startGameServer } from '../../game';
import { createLogger, type GameServer } from '../../net';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { sleep } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

interface Ctx {
  port: number;
  redis: RedisServer | undefined;
  registries: RedisRegistry[];
  workers: GameServer[];
  gateways: Gateway[];
}

const silent = pino({ level: 'silent' });
const types = Object.fromEntries(gameTypes.map((t) => [t.name, { capacity: t.capacity }]));

const registry = (ctx: Ctx): RedisRegistry => {
  const r = createRedisRegistry({ url: `redis://127.0.0.1:${ctx.port}`, prefix: `startup${process.pid}:`, logger: silent });
  ctx.registries.push(r);
  return r;
};
const startWorker = (ctx: Ctx, workerId: string, host: string): Promise<GameServer> =>
  startGameServer({
    port: 0, host, logger: createLogger('silent'), record: false, staticDir: undefined, cluster: { registry: registry(ctx), workerId },
  }).then((w) => {
    ctx.workers.push(w);
    return w;
  });
const startGateway = (ctx: Ctx, registryWaitMs?: number): Promise<Gateway> =>
  createGateway({ registry: registry(ctx), host: '127.0.0.1', port: 0, logger: silent, types, registryWaitMs }).then((g) => {
    ctx.gateways.push(g);
    return g;
  });
const matchmake = async (gateway: Gateway): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${gateway.url}/matchmake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"classic"}' });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const Startup = suite<Ctx>('cluster processes started before Redis (real redis-server)');

if (!haveRedis()) {
  reportRedisSkipped();
  Startup.skip('every test (no redis-server)', () => {});
} else {
  Startup.before.each(async (ctx) => {
    ctx.port = await freePort();
    ctx.redis = undefined;
    ctx.registries = [];
    ctx.workers = [];
    ctx.gateways = [];
  });
  Startup.after.each(async (ctx) => {
    for (const g of ctx.gateways) await g.close();
    for (const w of ctx.workers) await w.close();
    for (const r of ctx.registries) await r.close();
    await ctx.redis?.stop();
  });

  Startup('a gateway and a worker wait for Redis, and the first player is placed on that worker at once', async (ctx) => {
    const worker = startWorker(ctx, 'early', '127.0.0.2').then((w) => ({ w, at: Date.now() }));
    const gateway = startGateway(ctx).then((g) => ({ g, at: Date.now() }));
    await sleep(700);
    const redisSpawnedAt = Date.now();
    ctx.redis = new RedisServer(ctx.port);
    await ctx.redis.start();
    const [w, g] = await Promise.all([worker, gateway]);
    assert.ok(w.at >= redisSpawnedAt, `the worker started ${redisSpawnedAt - w.at} ms before Redis did`);
    assert.ok(g.at >= redisSpawnedAt, `the gateway started ${redisSpawnedAt - g.at} ms before Redis did`);
    // No retry: the first ask is answered with a seat on the worker, which is already registered.
    const placed = await matchmake(g.g);
    assert.is(placed.status, 200, JSON.stringify(placed.body));
    assert.is((await ctx.registries[0]!.match(placed.body.matchId as string))?.worker, 'early');
  });

  Startup('past its wait a gateway starts anyway: 503 while Redis is away, seats once it is up', async (ctx) => {
    const started = Date.now();
    const gateway = await startGateway(ctx, 300);
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 3000, `waited ${waited} ms for a Redis that is not there`);
    const refused = await matchmake(gateway);
    assert.is(refused.status, 503);
    assert.is(refused.body.error, 'unavailable');
    ctx.redis = new RedisServer(ctx.port);
    await ctx.redis.start();
    await startWorker(ctx, 'late', '127.0.0.3');
    let last = refused;
    for (const deadline = Date.now() + 8000; last.status !== 200 && Date.now() < deadline; await sleep(100)) last = await matchmake(gateway);
    assert.is(last.status, 200, `a seat once Redis is up: ${JSON.stringify(last.body)}`);
    assert.is((await ctx.registries[0]!.match(last.body.matchId as string))?.worker, 'late');
  });
}

Startup.run();
