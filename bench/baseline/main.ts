// Entry of the baseline server: PORT (default 5001), HOST (default 127.0.0.1), MAP_SIZE (default 100).
import { serveBench } from '../server/ipc';
import { createBaselineServer } from './server';

const server = await createBaselineServer({
  port: Number(process.env.PORT ?? 5001),
  host: process.env.HOST ?? '127.0.0.1',
  mapSize: Number(process.env.MAP_SIZE ?? 100),
});
console.error(`baseline server listening on ${server.url}`);
serveBench(server.url, () => server.close());
