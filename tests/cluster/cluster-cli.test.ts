// `npm run cluster` as a whole: game/cluster.ts started as its own process (under tsx, as the
// package script runs its compiled twin) with a real redis-server and `--workers 2`. It
// matchmakes, lists both workers, starts a SIGKILLed worker again under the same id, and on
// SIGTERM exits 0 leaving no process behind, even when a restart was due.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import { PROTOCOL_VERSION } from '../../net';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { sleep, within } from '../helpers';
import { freePort, haveRedis, RedisServer, reportRedisSkipped } from './redis-server';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PREFIX = `clitest${process.pid}:`;

interface WorkerRow {
  id: string;
  pid: number;
  url: string;
  heartbeatAgeMs: number;
}

interface Ctx {
  redis: RedisServer;
  registry: RedisRegistry;
  cluster: ChildProcess;
  /** Resolves with the exit code once the cluster exited and every holder of its stdout/stderr (its workers) is gone. */
  closed: Promise<number | null>;
  output: () => string;
  gatewayUrl: string;
  /** Every worker pid seen, to clean up after a failure. */
  pids: Set<number>;
  sockets: Socket[];
}

const Cli = suite<Ctx>('npm run cluster (game/cluster.ts, real redis-server)');
const skip = !haveRedis();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function workers(ctx: Ctx): Promise<WorkerRow[]> {
  const res = await fetch(`${ctx.gatewayUrl}/workers`);
  assert.is(res.status, 200);
  const rows = (await res.json()) as WorkerRow[];
  for (const w of rows) ctx.pids.add(w.pid);
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}

/** Polls until `check` holds, failing with `what` after `ms`. */
async function until(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

Cli.before(async (ctx) => {
  if (skip) return;
  ctx.pids = new Set();
  ctx.sockets = [];
  ctx.redis = new RedisServer(await freePort());
  await ctx.redis.start();
  ctx.registry = createRedisRegistry({ url: ctx.redis.url, prefix: PREFIX, logger: pino({ level: 'silent' }) });
  // PORT=0: the gateway and both workers on free ports; the gateway's URL comes from its banner.
  ctx.cluster = spawn(process.execPath, ['--import', 'tsx', 'game/cluster.ts', '--workers', '2'], {
    cwd: root,
    env: { ...process.env, REDIS_URL: ctx.redis.url, REDIS_PREFIX: PREFIX, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ADMIN_TOKEN: '', RECORD: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  for (const stream of [ctx.cluster.stdout!, ctx.cluster.stderr!]) stream.on('data', (chunk: Buffer) => void (text += chunk.toString()));
  ctx.output = () => text;
  ctx.closed = new Promise((resolve) => ctx.cluster.once('close', (code) => resolve(code)));
  await until(60_000, 'the gateway banner', async () => /gateway on (http:\/\/\S+?),/.test(text));
  ctx.gatewayUrl = /gateway on (http:\/\/\S+?),/.exec(text)![1]!.replace('localhost', '127.0.0.1');
  await until(60_000, 'both workers in /workers', async () => (await workers(ctx)).length === 2);
});

Cli.after(async (ctx) => {
  if (skip) return;
  for (const s of ctx.sockets) s.disconnect();
  // After a failure nothing may outlive the test: the cluster, then any worker it left.
  if (ctx.cluster.exitCode === null && ctx.cluster.signalCode === null) ctx.cluster.kill('SIGKILL');
  for (const w of await ctx.registry.workers().catch(() => [])) ctx.pids.add(w.pid);
  for (const pid of ctx.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await within(10_000, ctx.closed, 'cluster output to close');
  await ctx.registry.close();
  await ctx.redis.stop();
});

Cli('it matchmakes, connects through the gateway, and lists its two workers', async (ctx) => {
  if (skip) return reportRedisSkipped();
  const listed = await workers(ctx);
  assert.equal(listed.map((w) => w.id), ['w1', 'w2']);
  for (const w of listed) assert.ok(alive(w.pid), `worker ${w.id} runs`);
  const res = await fetch(`${ctx.gatewayUrl}/matchmake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"classic"}' });
  assert.is(res.status, 200);
  const seat = (await res.json()) as { matchId: string; seat: string; path: string };
  assert.match(seat.path, /^\/w[12]\/socket\.io\/$/);
  const s = connect(ctx.gatewayUrl, {
    path: seat.path, transports: ['websocket'], reconnection: false, forceNew: true,
    auth: { skirmish: PROTOCOL_VERSION, seat: seat.seat, matchId: seat.matchId },
  });
  ctx.sockets.push(s);
  await within(15_000, new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  }), 'the seated client to connect through the gateway');
  s.disconnect();
});

Cli('a SIGKILLed worker is started again under the same id and comes back in /workers', async (ctx) => {
  if (skip) return;
  const before = (await workers(ctx)).find((w) => w.id === 'w1')!;
  process.kill(before.pid, 'SIGKILL');
  await until(60_000, 'w1 back with a new pid', async () => {
    const w1 = (await workers(ctx)).find((w) => w.id === 'w1');
    return w1 !== undefined && w1.pid !== before.pid && w1.heartbeatAgeMs < 3000;
  });
  assert.not.ok(alive(before.pid));
  const listed = await workers(ctx);
  assert.equal(listed.map((w) => w.id), ['w1', 'w2']);
  for (const w of listed) assert.ok(alive(w.pid), `worker ${w.id} runs`);
});

Cli('SIGTERM, even with a restart due, exits 0 and leaves no worker running', async (ctx) => {
  if (skip) return;
  const listed = await workers(ctx);
  const [w1, w2] = [listed.find((w) => w.id === 'w1')!, listed.find((w) => w.id === 'w2')!];
  // A worker dies and its restart is a second away when the stop comes, while the other worker
  // takes longer than that second to drain (held stopped meanwhile).
  const restarts = (): number => ctx.output().split('worker exited; starting it again').length;
  const seen = restarts();
  process.kill(w2.pid, 'SIGKILL');
  await until(15_000, 'the cluster to notice the dead worker', async () => restarts() > seen);
  process.kill(w1.pid, 'SIGSTOP');
  ctx.cluster.kill('SIGTERM');
  await sleep(1500);
  process.kill(w1.pid, 'SIGCONT');
  // 'close' fires once every process holding the cluster's stdout/stderr (its workers) is gone.
  assert.is(await within(20_000, ctx.closed, 'the cluster and its workers to be gone'), 0);
  for (const pid of ctx.pids) assert.not.ok(alive(pid), `pid ${pid} is gone`);
  const left = (await ctx.registry.workers()).filter((w) => w.id !== 'w2');
  assert.equal(left, [], 'drained workers left the registry');
});

Cli.run();
