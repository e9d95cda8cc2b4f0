// Cluster entry: `REDIS_URL=redis://… npm run cluster -- --workers N`. Starts a gateway on PORT
// (default 5000) and N worker processes on this host (ports PORT+1…PORT+N on 127.0.0.1; with
// PORT=0, any free ports), all sharing the Redis registry. A worker that dies is started again
// under the same id; SIGINT/SIGTERM drains the workers, then closes the gateway and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../net';
import { createGateway } from '../net/cluster/gateway';
import { createRedisRegistry } from '../net/cluster/redis-registry';
import { clientDir } from './server';
import { gameTypes } from './rules';

const logger = createLogger();
const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' } }, strict: true });
const count = Number(values.workers);
const redisUrl = process.env.REDIS_URL;
const port = Number(process.env.PORT || 5000);
if (!Number.isInteger(count) || count < 1 || count > 64) {
  logger.fatal({ workers: values.workers }, '--workers must be an integer from 1 to 64');
  process.exit(2);
}
if (!redisUrl) {
  logger.fatal('REDIS_URL is required (e.g. REDIS_URL=redis://127.0.0.1:6379 npm run cluster -- --workers 3)');
  process.exit(2);
}

// The worker next to this file: compiled (lib/game/worker.js) or, under tsx, the source.
const fromSource = import.meta.url.endsWith('.ts');
const workerEntry = fileURLToPath(new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url));
const children = new Map<number, ChildProcess>();
const restarts = new Set<NodeJS.Timeout>();
let stopping = false;

function startWorker(i: number): void {
  // Workers report the URL they listen on, so with PORT=0 they need no fixed port either.
  const workerPort = port === 0 ? 0 : port + 1 + i;
  const child = spawn(process.execPath, [...process.execArgv, workerEntry], {
    env: { ...process.env, PORT: String(workerPort), HOST: process.env.WORKER_HOST || '127.0.0.1', WORKER_ID: `w${i + 1}`, PUBLIC_URL: '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.set(i, child);
  child.once('exit', (code, signal) => {
    children.delete(i);
    if (stopping) return;
    logger.warn({ worker: `w${i + 1}`, code, signal }, 'worker exited; starting it again in 1 s');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      // A stop that came during the second would otherwise leave this one running on its own.
      if (!stopping) startWorker(i);
    }, 1000);
    restarts.add(timer);
  });
}
for (let i = 0; i < count; i++) startWorker(i);

const registry = createRedisRegistry({ url: redisUrl, prefix: process.env.REDIS_PREFIX || undefined, logger });
const gateway = await createGateway({
  registry, port, host: process.env.HOST || '0.0.0.0', logger, staticDir: clientDir,
  publicUrl: process.env.PUBLIC_URL || undefined,
  types: Object.fromEntries(gameTypes.map((t) => [t.name, { capacity: t.capacity }])),
});
process.stderr.write(`\n  Skirmish cluster: gateway on http://localhost:${gateway.port}, ${count} workers, dashboard at /dashboard\n\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    logger.info({ signal }, 'stopping the cluster: draining workers');
    const exits = [...children.values()].map((c) => new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGTERM');
    }));
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void Promise.all(exits).then(async () => {
      await gateway.close();
      await registry.close().catch(() => undefined);
      process.exit(0);
    });
  });
}
