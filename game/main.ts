// Server entry: `npm start`. Reads PORT, HOST, TICK_RATE, MAP_SIZE, GRACE_MS, LOG_LEVEL from the environment,
// and (through createServer) RECORD and RECORD_DIR: every match is recorded unless RECORD=0.
import { createLogger } from '../net';
import { envNumber, stopOnSignals } from './process';
import { startGameServer } from './server';
import { arenaType, classicType, rulesForMap } from './rules';

const logger = createLogger();
const env = (name: string, fallback: number): number => envNumber(logger, name, fallback);

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

stopOnSignals(logger, 'shutting down', 5000, (signal) => server.close(`server restarting (${signal})`));
