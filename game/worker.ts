// Cluster worker entry: `npm run worker`. Hosts many matches and joins the cluster through Redis:
// heartbeats, seat claims, releases, disposal of empty matches; on SIGTERM it drains (leaves the
// registry, tells its players `reconnect_elsewhere`) and exits 0.
// Environment: REDIS_URL (required), PORT (default 0: any free port), HOST (default 0.0.0.0),
// PUBLIC_URL (how gateways reach it; default http://HOST:PORT), WORKER_ID, REDIS_PREFIX,
// WORKER_TTL_MS, TICK_RATE, GRACE_MS, EMPTY_DISPOSE_MS, LOG_LEVEL, RECORD, RECORD_DIR.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createLogger, recordingFromEnv } from '../net';
import { createRedisRegistry } from '../net/cluster/redis-registry';
import { envNumber, stopOnSignals } from './process';
import { startGameServer } from './server';

const logger = createLogger();
const env = (name: string, fallback: number): number => envNumber(logger, name, fallback);
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  logger.fatal('REDIS_URL is required: a worker joins a cluster through Redis (npm start runs one process without it)');
  process.exit(2);
}
const workerId = (process.env.WORKER_ID || `w-${hostname()}-${process.pid}`).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
const registry = createRedisRegistry({
  url: redisUrl, prefix: process.env.REDIS_PREFIX || undefined, logger,
  // How long after its last heartbeat a dead worker's matches vanish (default 10 s).
  workerTtlMs: process.env.WORKER_TTL_MS ? env('WORKER_TTL_MS', 10_000) : undefined,
});
const host = process.env.HOST || '0.0.0.0';
// Workers of one host share a working folder: each records into its own subfolder, so that no
// worker's retention ever deletes another's files, and the gateway asks the worker for its own.
const recording = recordingFromEnv();

const server = await startGameServer({
  port: env('PORT', 0),
  host,
  tickRate: env('TICK_RATE', 30),
  graceMs: env('GRACE_MS', 15_000),
  emptyDisposeMs: env('EMPTY_DISPOSE_MS', 30_000),
  // Everyone arrives through a gateway on one address: no per-address limit here.
  maxConnectionsPerAddress: 100_000,
  cluster: { registry, workerId, publicUrl: process.env.PUBLIC_URL || undefined },
  staticDir: undefined,
  record: recording === false ? false : { ...recording, dir: join(recording.dir ?? 'recordings', workerId) },
  logger,
});
logger.info({ worker: workerId, url: server.url }, 'worker ready');
// Parents (npm run cluster, tests) wait for this line.
process.stdout.write(`worker ${workerId} listening on ${server.url}\n`);

stopOnSignals(logger, 'draining', 8000, async (signal) => {
  await server.drain(`worker draining (${signal}): matchmake again`);
  await registry.close().catch(() => undefined);
});
