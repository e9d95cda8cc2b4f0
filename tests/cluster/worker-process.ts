// Real cluster pieces for tests: worker processes (game/worker.ts, as `npm run worker` runs it) and
// a whole small cluster (redis-server, a Redis registry, a gateway in this process, workers).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createGateway, createRedisRegistry, type Gateway, type RedisRegistry } from '../../net/cluster';
import { gameTypes } from '../../game';
import { sleep, within } from '../helpers';
import { freePort, RedisServer } from './redis-server';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The gateway's view of the battle game's match types, as `npm run cluster` gives it. */
export const GAME_TYPES = Object.fromEntries(gameTypes.map((t) => [t.name, { capacity: t.capacity }]));

/** A worker child process and how to reach it. */
export interface WorkerProcess {
  id: string;
  url: string;
  child: ChildProcess;
  /** Its exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

/** Starts game/worker.ts on `host` (e.g. 127.0.0.2, standing in for another machine) and waits until it listens. */
export async function startWorker(redisUrl: string, prefix: string, id: string, host: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'game/worker.ts'], {
    cwd: root,
    env: {
      ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, HOST: host, PORT: '0', WORKER_ID: id, PUBLIC_URL: '',
      LOG_LEVEL: 'warn', GRACE_MS: '15000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await within(30_000, new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`worker ${id} exited (${code}) before listening`)));
  }), `worker ${id} to start`).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return { id, url, child, exit };
}

/** redis-server, a registry on it, a gateway on 127.0.0.1 and worker processes, all closed by `close`. */
export interface TestCluster {
  redis: RedisServer;
  registry: RedisRegistry;
  gateway: Gateway;
  workers: WorkerProcess[];
  close(): Promise<void>;
}

/**
 * Starts a cluster with one worker per entry of `hosts` (ids w1, w2…) and waits (at most 10 s)
 * until every worker has heartbeaten into the registry. `prefix` keeps its Redis keys apart.
 */
export async function startCluster(prefix: string, hosts: readonly string[]): Promise<TestCluster> {
  const redis = new RedisServer(await freePort());
  await redis.start();
  const registry = createRedisRegistry({ url: redis.url, prefix, workerTtlMs: 5000, logger: pino({ level: 'silent' }) });
  const gateway = await createGateway({ registry, host: '127.0.0.1', port: 0, types: GAME_TYPES, logger: pino({ level: 'silent' }) });
  const started = await Promise.allSettled(hosts.map((host, i) => startWorker(redis.url, prefix, `w${i + 1}`, host)));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const cluster: TestCluster = {
    redis, registry, gateway, workers,
    async close() {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exit));
      await gateway.close();
      await registry.close();
      await redis.stop();
    },
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await cluster.close();
    throw failed.reason;
  }
  const deadline = Date.now() + 10_000;
  while ((await registry.workers().catch(() => [])).length < hosts.length) {
    if (Date.now() > deadline) {
      await cluster.close();
      throw new Error(`not all ${hosts.length} workers registered within 10 s`);
    }
    await sleep(100);
  }
  return cluster;
}
