// Server entry: `npm start`. Reads PORT, HOST, TICK_RATE, MAP_SIZE, LOG_LEVEL from the environment.
import { startGameServer } from './server';
import { rulesForMap } from './rules';

const port = Number(process.env.PORT ?? 5000);
const mapSize = Number(process.env.MAP_SIZE ?? 100);
const server = await startGameServer({
  port,
  host: process.env.HOST ?? '0.0.0.0',
  tickRate: Number(process.env.TICK_RATE ?? 30),
  rules: rulesForMap(mapSize),
});
console.error(`Skirmish is running: open http://localhost:${server.port}`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void server.close().then(() => process.exit(0));
  });
}
