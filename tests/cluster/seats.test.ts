// A client presenting an expired seat is refused `seat_expired` over a real socket, on a real game
// server in cluster mode (short seat TTL): for a seat in a match that is running, and for one in a
// new match that was dropped from the registry because nobody ever claimed a seat in it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import { createLogger, createServer, ErrorCodes, PROTOCOL_VERSION, type GameServer, type MatchType } from '../../net';
import { MemoryRegistry } from '../../net/cluster/memory-registry';
import { RedisRegistry } from '../../net/cluster/redis-registry';
import type { Registry, RegistryOptions } from '../../net/cluster/registry';
import { rules } from '../rules';
import { sleep, within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

const classicType: MatchType = { name: 'classic', rules, capacity: 16 };
// Seats live 2 s (time enough to connect on a loaded machine); a match nobody claimed a seat in
// goes at the first heartbeat after 2.5 s.
const TIMINGS: RegistryOptions = { seatTtlMs: 2000, pendingMatchMs: 2500 };

interface Seat {
  matchId: string;
  seat: string;
  created: boolean;
  expiresAt: number;
}

async function matchmake(url: string, body: object): Promise<Seat> {
  const res = await fetch(`${url}/matchmake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.is(res.status, 200);
  return (await res.json()) as Seat;
}

/** Connects on `seat`: 'ok', or the refusal's `data.code`. */
function present(url: string, seat: Seat, sockets: Socket[]): Promise<string> {
  const s = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { skirmish: PROTOCOL_VERSION, seat: seat.seat, matchId: seat.matchId } });
  sockets.push(s);
  return within(10_000, new Promise<string>((resolve) => {
    s.once('connect', () => resolve('ok'));
    s.once('connect_error', (e: Error & { data?: { code?: string } }) => resolve(e.data?.code ?? `no code: ${e.message}`));
  }), 'an answer to the seat');
}

interface Ctx {
  server: GameServer | undefined;
  registry: Registry | undefined;
  sockets: Socket[];
}

function seatSuite(label: string, makeRegistry: () => Promise<Registry>, hooks: { before?: () => Promise<void>; after?: () => Promise<void> } = {}): void {
  const S = suite<Ctx>(`expired seats over a socket (${label})`);
  if (hooks.before) S.before(hooks.before);
  if (hooks.after) S.after(hooks.after);
  S.before.each((ctx) => {
    ctx.sockets = [];
    ctx.server = undefined;
    ctx.registry = undefined;
  });
  S.after.each(async (ctx) => {
    for (const s of ctx.sockets) s.disconnect();
    await ctx.server?.close();
    await ctx.registry?.close();
  });

  S('an expired seat is refused seat_expired, in a running match and in a dropped new one', async (ctx) => {
    const registry = (ctx.registry = await makeRegistry());
    const server = (ctx.server = await createServer({
      port: 0, host: '127.0.0.1', logger: createLogger('silent'), record: false, types: [classicType], cluster: { registry, workerId: 'w1' },
    }));
    // A running match: one player in it, so it is reported by every heartbeat.
    const running = await matchmake(server.url, { type: 'classic' });
    assert.is(await present(server.url, running, ctx.sockets), 'ok');
    const late = await matchmake(server.url, { type: 'classic' });
    assert.is(late.matchId, running.matchId, 'the fullest match with room');
    // A new match nobody ever connects to: its worker never hears of it.
    const orphan = await matchmake(server.url, { type: 'classic', create: true });
    assert.ok(orphan.created);
    await sleep(Math.max(0, late.expiresAt - Date.now()) + 100);
    const deadline = Date.now() + 10_000;
    while ((await registry.match(orphan.matchId)) !== undefined) {
      assert.ok(Date.now() < deadline, 'the unclaimed new match is dropped within 10 s');
      await sleep(100);
    }
    assert.ok(await registry.match(running.matchId), 'the running match stays');
    assert.is(await present(server.url, late, ctx.sockets), ErrorCodes.seatExpired);
    assert.is(await present(server.url, orphan, ctx.sockets), ErrorCodes.seatExpired);
    // Reused and forged seats keep their own codes.
    assert.is(await present(server.url, running, ctx.sockets), ErrorCodes.seatUsed);
    assert.is(await present(server.url, { ...orphan, seat: randomBytes(16).toString('base64url') }, ctx.sockets), ErrorCodes.seatUnknown);
  });

  S.run();
}

seatSuite('memory', async () => new MemoryRegistry(TIMINGS));

if (!haveRedis()) {
  reportRedisSkipped();
} else {
  let redis: RedisServer;
  seatSuite('redis', async () => {
    const r = new RedisRegistry({ url: redis.url, prefix: `seats${randomBytes(4).toString('hex')}:`, logger: pino({ level: 'silent' }), ...TIMINGS });
    await r.ready(5000);
    return r;
  }, {
    async before() {
      redis = new RedisServer(await freePort());
      await redis.start();
    },
    async after() {
      await redis.stop();
    },
  });
}
