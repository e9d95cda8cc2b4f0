// Server entry: `npm start`. Reads PORT, HOST, TICK_RATE, MAP_SIZE, GRACE_MS, LOG_LEVEL from the environment.
import { createLogger } from '../net';
import { startGameServer } from './server';
import { arenaType, classicType, rulesForMap } from './rules';

const logger = createLogger();
const env = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    logger.fatal({ name, raw }, 'bad environment variable');
    process.exit(2);
  }
  return value;
};

const server = await startGameServer({
  port: env('PORT', 5000),
  host: process.env.HOST || '0.0.0.0',
  tickRate: env('TICK_RATE', 30),
  graceMs: env('GRACE_MS', 15_000),
  types: [{ ...classicType, rules: rulesForMap(env('MAP_SIZE', 100)) }, arenaType],
  emptyDisposeMs: env('EMPTY_DISPOSE_MS', 30_000),
  logger,
});
process.stderr.write(`\n  Skirmish is running: open http://localhost:${server.port}\n\n`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 5000);
    force.unref();
    void server.close(`server restarting (${signal})`).then(() => {
      logger.flush?.();
      process.exit(0);
    });
  });
}
