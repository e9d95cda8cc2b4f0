// A full server and a full cluster answer `POST /matchmake` with 503 JSON, before any seat is
// spent: workers report their capacity (maxPlayers) in the heartbeat, and placement leaves a
// worker whose players plus live reservations reach it. Real game servers over real sockets: one
// embedded (`npm start`), and two cluster workers behind a gateway on each registry.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import { createLogger, createServer, PROTOCOL_VERSION, type GameServer, type MatchType } from '../../net';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { MemoryRegistry } from '../../net/cluster/memory-registry';
import { RedisRegistry } from '../../net/cluster/redis-registry';
import type { Registry } from '../../net/cluster/registry';
import { rules } from '../rules';
import { within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

const silent = pino({ level: 'silent' });
const quiet = { port: 0, logger: createLogger('silent'), record: false as const };
const classicType: MatchType = { name: 'classic', rules, capacity: 16 };

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { matchId?: string; seat?: string; path?: string; error?: string; message?: string };
}

async function matchmake(url: string): Promise<Answer> {
  const res = await fetch(`${url}/matchmake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"classic"}' });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Answer['body'] };
}

/** Connects a delta client on its seat; resolves with the socket, or rejects with the refusal's code. */
function seated(url: string, answer: Answer, sockets: Socket[]): Promise<Socket> {
  const s = connect(url, {
    path: answer.body.path, transports: ['websocket'], reconnection: false, forceNew: true,
    auth: { skirmish: PROTOCOL_VERSION, seat: answer.body.seat, matchId: answer.body.matchId },
  });
  sockets.push(s);
  return within(10_000, new Promise<Socket>((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e: Error & { data?: { code?: string } }) => reject(new Error(e.data?.code ?? e.message)));
  }), 'seated client to connect');
}

function assertFull(answer: Answer, message: RegExp): void {
  assert.is(answer.status, 503);
  assert.is(answer.body.error, 'full');
  assert.match(answer.body.message ?? '', message);
  assert.is(answer.retryAfter, '5');
  assert.is(answer.body.seat, undefined);
}

interface Ctx {
  servers: GameServer[];
  gateways: Gateway[];
  registries: Registry[];
  sockets: Socket[];
}

const Full = suite<Ctx>('full server and full cluster answer 503');
Full.before.each((ctx) => {
  ctx.servers = [];
  ctx.gateways = [];
  ctx.registries = [];
  ctx.sockets = [];
});
Full.after.each(async (ctx) => {
  for (const s of ctx.sockets) s.disconnect();
  for (const g of ctx.gateways) await g.close();
  for (const s of ctx.servers) await s.close();
  for (const r of ctx.registries) await r.close();
});

Full('npm start: with maxPlayers taken or reserved, POST /matchmake is 503 full and spends no seat', async (ctx) => {
  const server = await createServer({ ...quiet, host: '127.0.0.1', types: [classicType], maxPlayers: 2 });
  ctx.servers.push(server);
  const first = await matchmake(server.url);
  const second = await matchmake(server.url);
  assert.is(first.status, 200);
  assert.is(second.status, 200);
  assertFull(await matchmake(server.url), /server full/);
  assert.is((await server.registry.stats()).made, 2, 'no seat handed out for the third');
  // Both seats handed out are good: the server takes both players.
  await seated(server.url, first, ctx.sockets);
  await seated(server.url, second, ctx.sockets);
  assertFull(await matchmake(server.url), /server full/);
});

async function fullCluster(ctx: Ctx, registry: () => Promise<Registry>): Promise<void> {
  for (const [id, host] of [['wa', '127.0.0.2'], ['wb', '127.0.0.3']] as const) {
    const r = await registry();
    ctx.servers.push(await createServer({ ...quiet, host, types: [classicType], maxPlayers: 1, cluster: { registry: r, workerId: id } }));
  }
  const gateway = await createGateway({ registry: await registry(), host: '127.0.0.1', port: 0, types: { classic: { capacity: 16 } }, logger: silent });
  ctx.gateways.push(gateway);
  const first = await matchmake(gateway.url);
  const second = await matchmake(gateway.url);
  assert.is(first.status, 200);
  assert.is(second.status, 200);
  // Each worker takes one player: the two seats are on the two workers, in matches with room to spare.
  assert.equal([first.body.path, second.body.path].sort(), ['/wa/socket.io/', '/wb/socket.io/']);
  assertFull(await matchmake(gateway.url), /cluster full: all 2 workers are at capacity/);
  await seated(gateway.url, first, ctx.sockets);
  await seated(gateway.url, second, ctx.sockets);
  assertFull(await matchmake(gateway.url), /cluster full/);
  // A classic client that opens /socket.io/ at the gateway is placed there too: the same 503.
  const res = await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling`);
  assert.is(res.status, 503);
  assert.is(((await res.json()) as { error: string }).error, 'full');
}

Full('gateway over a memory registry: every worker at its maxPlayers makes POST /matchmake 503 full', async (ctx) => {
  const shared = new MemoryRegistry();
  ctx.registries.push(shared);
  await fullCluster(ctx, async () => shared);
});

if (!haveRedis()) {
  reportRedisSkipped();
} else {
  let redis: RedisServer;
  Full.before(async () => {
    redis = new RedisServer(await freePort());
    await redis.start();
  });
  Full.after(async () => {
    await redis.stop();
  });
  Full('gateway over Redis: every worker at its maxPlayers makes POST /matchmake 503 full', async (ctx) => {
    const prefix = `full${randomBytes(4).toString('hex')}:`;
    await fullCluster(ctx, async () => {
      const r = new RedisRegistry({ url: redis.url, prefix, logger: silent });
      await r.ready(5000);
      ctx.registries.push(r);
      return r;
    });
  });
}

Full.run();
