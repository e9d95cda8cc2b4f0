// Resume through the gateway: a client placed by matchmaking keeps its worker's path and its token,
// so when its link drops it comes back to the same player on the same worker, over WebSocket and
// long-polling alike; a new client given that token and placement (a reloaded page) does too. Real
// redis-server, two worker processes (game/worker.ts) on 127.0.0.2 and 127.0.0.3, a gateway here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createClient, createLogger, createServer, matchmake, type GameClient, type GameServer, type MatchmakeAnswer } from '../../net';
import { rules } from '../rules';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { waitFor, within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TYPES = { classic: { capacity: 16 } };
const PREFIX = `resumetest${process.pid}:`;

interface Worker {
  id: string;
  child: ChildProcess;
  exit: Promise<number | null>;
}

async function startWorker(redisUrl: string, id: string, host: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'game/worker.ts'], {
    cwd: root,
    env: { ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: PREFIX, HOST: host, PORT: '0', WORKER_ID: id, PUBLIC_URL: '', LOG_LEVEL: 'warn', GRACE_MS: '15000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await within(30_000, new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/listening on \S+/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker ${id} exited (${code}) before listening`)));
  }), `worker ${id} to start`);
  return { id, child, exit };
}

interface Ctx {
  redis: RedisServer;
  registry: RedisRegistry;
  gateway: Gateway;
  workers: Worker[];
  clients: GameClient[];
}

const Resume = suite<Ctx>('resume through the gateway (real redis-server, worker processes)');
const skip = !haveRedis();

Resume.before(async (ctx) => {
  if (skip) return;
  ctx.clients = [];
  ctx.redis = new RedisServer(await freePort());
  await ctx.redis.start();
  ctx.registry = createRedisRegistry({ url: ctx.redis.url, prefix: PREFIX, logger: pino({ level: 'silent' }) });
  ctx.gateway = await createGateway({ registry: ctx.registry, host: '127.0.0.1', port: 0, types: TYPES, logger: pino({ level: 'silent' }) });
  ctx.workers = await Promise.all([startWorker(ctx.redis.url, 'ra', '127.0.0.2'), startWorker(ctx.redis.url, 'rb', '127.0.0.3')]);
  const deadline = Date.now() + 10_000;
  while ((await ctx.registry.workers().catch(() => [])).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
});

Resume.after(async (ctx) => {
  if (skip) return;
  for (const c of ctx.clients) c.close();
  for (const w of ctx.workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await Promise.all(ctx.workers.map((w) => w.exit));
  await ctx.gateway.close();
  await ctx.registry.close();
  await ctx.redis.stop();
});

const workerOf = async (ctx: Ctx, matchId: string | undefined): Promise<string | undefined> =>
  (await ctx.registry.matches()).find((m) => m.id === matchId)?.worker;
const playersIn = async (ctx: Ctx, matchId: string | undefined): Promise<number | undefined> =>
  (await ctx.registry.matches()).find((m) => m.id === matchId)?.players;

/** A client placed through the gateway, with its first welcome and where it was placed. */
async function placed(ctx: Ctx, transports: ('websocket' | 'polling')[]): Promise<{ client: GameClient; answer: MatchmakeAnswer }> {
  const client = createClient({ url: ctx.gateway.url, type: 'classic', transports });
  ctx.clients.push(client);
  const answer = await within(15_000, new Promise<MatchmakeAnswer>((r) => client.on('placed', r)), 'placed');
  await waitFor(() => client.localEntity !== undefined, 15_000, 'welcomed, own player mirrored');
  return { client, answer };
}

for (const transport of ['websocket', 'polling'] as const) {
  Resume(`${transport}: a placed client whose link is cut resumes the same player on the same worker`, async (ctx) => {
    if (skip) return reportRedisSkipped();
    const { client, answer } = await placed(ctx, [transport]);
    assert.match(answer.path, /^\/r[ab]\/socket\.io\/$/, 'placed on a worker path at the gateway');
    const { id, sid } = client.welcome!;
    const token = client.token;
    const worker = await workerOf(ctx, client.matchId);
    let welcomes = 0;
    let placements = 0;
    client.on('welcome', () => void welcomes++);
    client.on('placed', () => void placements++);
    // The transport dies under the client (not a goodbye): Socket.IO reconnects by itself.
    client.socket.io.engine.close();
    await waitFor(() => welcomes > 0 && client.status === 'connected', 15_000, 'welcomed again');
    assert.is(client.welcome!.resumed, true, 'resumed');
    assert.is(client.welcome!.id, id, 'same player (NetId)');
    assert.is(client.welcome!.sid, sid, 'same public id');
    assert.is(client.token, token, 'same token');
    assert.is(placements, 0, 'no new placement');
    assert.is(client.matchId, answer.matchId);
    assert.is(await workerOf(ctx, client.matchId), worker, 'same worker');
    await waitFor(() => client.localEntity !== undefined, 5000, 'own player mirrored again');
    assert.is(await playersIn(ctx, client.matchId), 1, 'one player, not a second one');
    client.close();
  });
}

Resume('a new client with the token and placement of a dropped one (a reloaded page) resumes that player, even when another match is fuller', async (ctx) => {
  if (skip) return;
  const { client: first, answer } = await placed(ctx, ['websocket']);
  const { id } = first.welcome!;
  const token = first.token!;
  // Two seats held in a new match: matchmaking by type would now put a newcomer there.
  const other = await matchmake(ctx.gateway.url, { type: 'classic', create: true });
  await matchmake(ctx.gateway.url, { type: 'classic', matchId: other.matchId });
  // The page goes away without a goodbye: no reconnection, the player waits out its grace.
  first.socket.io.reconnection(false);
  first.socket.io.engine.close();
  const again = createClient({ url: ctx.gateway.url, type: 'classic', token, rejoin: answer });
  ctx.clients.push(again);
  let placedAgain = false;
  again.on('placed', () => void (placedAgain = true));
  await waitFor(() => again.welcome !== undefined, 15_000, 'welcomed');
  assert.is(again.welcome!.resumed, true, 'resumed');
  assert.is(again.welcome!.id, id, 'same player');
  assert.is(again.matchId, answer.matchId);
  assert.not.ok(placedAgain, 'no matchmaking');
  assert.is(await playersIn(ctx, answer.matchId), 1);
  again.close();
});

Resume('a rejoining client whose player is gone matchmakes again, into that match first', async (ctx) => {
  if (skip) return;
  const { client: first, answer } = await placed(ctx, ['polling']);
  const token = first.token!;
  // A goodbye removes the player at once; the match lives on with someone else in it.
  const other = createClient({ url: ctx.gateway.url, matchId: answer.matchId, type: 'classic' });
  ctx.clients.push(other);
  await waitFor(() => other.localEntity !== undefined, 15_000, 'a second player in that match');
  first.close();
  await waitFor(async () => false, 0).catch(() => undefined);
  const again = createClient({ url: ctx.gateway.url, type: 'classic', token, rejoin: answer });
  ctx.clients.push(again);
  const placement = await within(15_000, new Promise<MatchmakeAnswer>((r) => again.on('placed', r)), 'placed again');
  assert.is(placement.matchId, answer.matchId, 'the same match');
  await waitFor(() => again.welcome !== undefined, 15_000, 'welcomed');
  assert.is(again.welcome!.resumed, false, 'a new player');
  again.close();
  other.close();
});

Resume.run();

// The same player comes back even when the server has not noticed the old link die: a link that
// dies silently is dropped by the server's heartbeat only, while the client reconnects at once.
// In-process embedded server with a slow heartbeat, so the reconnection always comes first.
const Silent = suite<{ server: GameServer; clients: GameClient[] }>('resume before the server noticed the drop');
Silent.before.each(async (ctx) => {
  ctx.clients = [];
  ctx.server = await createServer({
    rules, port: 0, host: '127.0.0.1', logger: createLogger('silent'), record: false, pingIntervalMs: 1500, pingTimeoutMs: 1000,
  });
});
Silent.after.each(async (ctx) => {
  for (const c of ctx.clients) c.close();
  await ctx.server.close();
});

for (const transport of ['websocket', 'polling'] as const) {
  Silent(`${transport}: a client whose link died silently resumes its player once the server drops the old connection`, async (ctx) => {
    const client = createClient({ url: ctx.server.url, type: 'classic', transports: [transport] });
    ctx.clients.push(client);
    await waitFor(() => client.localEntity !== undefined, 10_000, 'welcomed');
    const { id } = client.welcome!;
    let welcomes = 0;
    let placements = 0;
    client.on('welcome', () => void welcomes++);
    client.on('placed', () => void placements++);
    // The link dies without a word: the client gives up on it and reconnects, but nothing tells
    // the server, whose connection stays open until its heartbeat times out.
    const engine = client.socket.io.engine as unknown as { transport: { close(): void }; close(): void };
    engine.transport.close = () => undefined;
    engine.close();
    await waitFor(() => welcomes > 0, 10_000, 'welcomed again');
    assert.is(client.welcome!.resumed, true, 'resumed');
    assert.is(client.welcome!.id, id, 'same player');
    assert.is(placements, 0, 'no new placement');
    const match = ctx.server.matches.get(client.matchId!)!;
    assert.is(match.players, 1, 'one player');
  });
}

Silent('a token does not take over a live connection when the client does not name its match', async (ctx) => {
  const a = createClient({ url: ctx.server.url, type: 'classic' });
  ctx.clients.push(a);
  await waitFor(() => a.localEntity !== undefined, 10_000, 'a welcomed');
  const started = Date.now();
  const b = createClient({ url: ctx.server.url, token: a.token });
  ctx.clients.push(b);
  await waitFor(() => b.welcome !== undefined, 10_000, 'b welcomed');
  assert.is(b.welcome!.resumed, false, 'a new player');
  assert.ok(Date.now() - started < 2000, 'not held back by a wait for a\'s connection');
  assert.is(a.status, 'connected');
});

Silent.run();
