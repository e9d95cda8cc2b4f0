// Spectating through the gateway: real redis-server, two real game servers as workers (127.0.0.2
// and 127.0.0.3) and a gateway. A spectator's handshake carries the match id (`?spectate=`), and
// the gateway sends it to the worker owning that match, over WebSocket and long-polling alike
// (polling requests stay on that worker by their sid pin).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import { createClient, createLogger, createServer, entityOf, ErrorCodes, type GameClient, type GameServer } from '../../net';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { rules } from '../rules';
import { sleep, waitFor, within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

const PREFIX = `spectest${process.pid}:`;
const silent = pino({ level: 'silent' });

interface Ctx {
  redis: RedisServer;
  registries: RedisRegistry[];
  workers: GameServer[];
  gateway: Gateway;
  clients: GameClient[];
}

const Spectate = suite<Ctx>('cluster spectate (real redis-server, two workers, gateway)');
const skip = !haveRedis();

Spectate.before(async (ctx) => {
  if (skip) return;
  ctx.clients = [];
  ctx.redis = new RedisServer(await freePort());
  await ctx.redis.start();
  const registry = (): RedisRegistry => {
    const r = createRedisRegistry({ url: ctx.redis.url, prefix: PREFIX, logger: silent });
    ctx.registries.push(r);
    return r;
  };
  ctx.registries = [];
  // Capacity 1: the second player gets a second match, on the other (less loaded) worker.
  const types = [{ name: 'duel', rules, capacity: 1 }];
  ctx.workers = [];
  for (const [id, host] of [['wa', '127.0.0.2'], ['wb', '127.0.0.3']] as const) {
    ctx.workers.push(await createServer({ types, host, port: 0, logger: createLogger('silent'), cluster: { registry: registry(), workerId: id } }));
  }
  ctx.gateway = await createGateway({ registry: registry(), host: '127.0.0.1', port: 0, types: { duel: { capacity: 1 } }, logger: silent });
});

Spectate.after(async (ctx) => {
  if (skip) return;
  for (const c of ctx.clients) c.close();
  await ctx.gateway.close();
  for (const w of ctx.workers) await w.close();
  for (const r of ctx.registries) await r.close();
  await ctx.redis.stop();
});

/** The `data.code` of a spectator's refusal at the gateway. */
async function refusal(ctx: Ctx, matchId: string): Promise<string | undefined> {
  const client = createClient({ url: ctx.gateway.url, spectate: matchId });
  ctx.clients.push(client);
  const error = await within(10_000, new Promise<Error>((resolve) => {
    client.on('error', (e) => {
      if (e instanceof Error) resolve(e);
    });
  }), 'refusal');
  return (error as { data?: { code?: string } }).data?.code;
}

Spectate('a spectator reaches the worker owning the match, over WebSocket and long-polling', async (ctx) => {
  if (skip) return reportRedisSkipped();
  const a = createClient({ url: ctx.gateway.url, type: 'duel' });
  ctx.clients.push(a);
  await waitFor(() => a.localEntity !== undefined, 15_000, 'first player placed');
  const b = createClient({ url: ctx.gateway.url, type: 'duel' });
  ctx.clients.push(b);
  await waitFor(() => b.localEntity !== undefined, 15_000, 'second player placed');
  const owner = (matchId: string): GameServer => ctx.workers.find((w) => w.matches.has(matchId))!;
  assert.is.not(owner(a.matchId!), owner(b.matchId!), 'the two matches live on different workers');

  for (const [player, transports] of [[a, ['websocket']], [b, ['polling']], [a, ['polling']], [b, ['websocket']]] as const) {
    const s = createClient({ url: ctx.gateway.url, spectate: player.matchId!, transports: [...transports] });
    ctx.clients.push(s);
    await waitFor(() => entityOf(s.world, player.welcome!.id) !== undefined, 10_000, `a ${transports[0]} spectator to see its match's player`);
    assert.is(s.welcome?.spectator?.matchId, player.matchId);
    assert.is(s.world.entities.size, 1, 'the one player of that match, nobody from the other');
  }
  // Polling spectators keep working past the handshake: each request is pinned to the owner.
  const polling = ctx.clients.filter((c) => c.spectating !== undefined && c.socket.io.engine.transport.name === 'polling');
  assert.ok(polling.length >= 1, 'at least one spectator stayed on long-polling');
  await waitFor(() => polling.every((c) => c.clock.samples >= 2), 10_000, 'clock probes answered over polling');
  assert.is(owner(a.matchId!).matches.get(a.matchId!)!.spectators, 2);
  assert.is(owner(b.matchId!).matches.get(b.matchId!)!.spectators, 2);
  assert.is(owner(a.matchId!).matches.get(a.matchId!)!.players, 1, 'spectators take no seat');

  // The cluster's match list (Redis, through the gateway) carries the spectators after a heartbeat.
  const deadline = Date.now() + 10_000;
  let listed: { id: string; players: number; spectators: number }[] = [];
  while (Date.now() < deadline) {
    listed = (await (await fetch(`${ctx.gateway.url}/matches`)).json()) as typeof listed;
    if (listed.filter((m) => m.spectators === 2).length === 2) break;
    await sleep(200);
  }
  assert.equal(listed.map((m) => [m.players, m.spectators]), [[1, 2], [1, 2]]);

  assert.is(await refusal(ctx, 'mNoSuchMatch'), ErrorCodes.matchUnknown, 'an unknown match: refused by a worker with the usual code');
});

Spectate.run();
