// Bench entry of the Skirmish server: createServer as game/main.ts starts it (PORT, HOST,
// TICK_RATE, MAP_SIZE, LOG_LEVEL), without the static client, plus the bench's IPC line.
import { createLogger, createServer } from '../../net';
import { rulesForMap } from '../../game';
import { serveBench } from './ipc';

const server = await createServer({
  rules: rulesForMap(Number(process.env.MAP_SIZE ?? 100)),
  port: Number(process.env.PORT ?? 5000),
  host: process.env.HOST ?? '127.0.0.1',
  tickRate: Number(process.env.TICK_RATE ?? 30),
  logger: createLogger(process.env.LOG_LEVEL ?? 'warn'),
});
serveBench(server.url, () => server.close());
