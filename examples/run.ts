// `npm run example -- NAME`: builds examples/NAME's page, then serves the game on PORT (default
// 5001) until SIGINT/SIGTERM. An unknown NAME lists the examples and exits 2.
import type { GameServer, ServerOptions } from 'skirmish/net';
import { buildExample, listExamples } from './build';

const name = process.argv[2] ?? '';
const names = listExamples();
if (!names.includes(name)) {
  process.stderr.write(`${name ? `no example named "${name}"` : 'which example?'}: npm run example -- NAME\nexamples: ${names.join(', ')}\n`);
  process.exit(2);
}

const page = await buildExample(name);
process.stderr.write(`built examples/${name}/dist/client.js (${(page.bytes / 1024).toFixed(0)} KiB)\n`);
// Every example's server.ts exports startServer, taking the engine server's options.
const { startServer } = (await import(`./${name}/server.ts`)) as { startServer: (o: Partial<ServerOptions>) => Promise<GameServer> };
const port = Number(process.env.PORT || 5001);
const server = await startServer({ port, host: process.env.HOST || '0.0.0.0' });
process.stderr.write(`\n  ${name} is running: open http://localhost:${server.port}\n\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    setTimeout(() => process.exit(1), 5000).unref(); // clients that never let go cannot hold the exit
    void server.close(`server stopping (${signal})`).then(() => process.exit(0));
  });
}
