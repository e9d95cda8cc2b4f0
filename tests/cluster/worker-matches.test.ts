// A cluster worker keeps no match: its first match, and any other, is disposed (and leaves the
// registry) once empty for emptyDisposeMs; an embedded server keeps its default match warm for
// seatless clients. The registry is in memory: what is tested is the worker, not Redis.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient, createLogger, createServer, type GameClient, type GameServer } from '../../net';
import { createMemoryRegistry } from '../../net/cluster/memory-registry';
import { matchmake } from '../../net/client/matchmake';
import { rules } from '../rules';
import { sleep, waitFor } from '../helpers';

interface Ctx {
  servers: GameServer[];
  clients: GameClient[];
}

const Worker = suite<Ctx>('worker matches: none kept in cluster mode');
const quiet = { port: 0, host: '127.0.0.1', logger: createLogger('silent'), record: false as const };

Worker.before.each((ctx) => {
  ctx.servers = [];
  ctx.clients = [];
});
Worker.after.each(async (ctx) => {
  for (const c of ctx.clients) c.close();
  for (const s of ctx.servers) await s.close();
});

Worker('a worker disposes of its first match once it has been empty for emptyDisposeMs, and the registry forgets it', async (ctx) => {
  const registry = createMemoryRegistry();
  const worker = await createServer({ ...quiet, rules, emptyDisposeMs: 200, cluster: { registry, workerId: 'wk' } });
  ctx.servers.push(worker);
  assert.ok(worker.matches.has(worker.matchId), 'created at start');
  await waitFor(() => !worker.matches.has(worker.matchId), 5000, 'the empty first match disposed');
  const listed = await registry.matches();
  assert.not.ok(listed.some((m) => m.id === worker.matchId), 'gone from the registry');
});

Worker('a worker disposes of a placed match after its last player left, like any other', async (ctx) => {
  const registry = createMemoryRegistry();
  const worker = await createServer({ ...quiet, rules, emptyDisposeMs: 200, cluster: { registry, workerId: 'wk' } });
  ctx.servers.push(worker);
  const client = createClient({ url: worker.url, type: 'classic' });
  ctx.clients.push(client);
  await waitFor(() => client.localEntity !== undefined, 5000, 'placed and welcomed');
  const id = client.matchId!;
  client.close();
  await waitFor(() => worker.matches.size === 0, 5000, 'every match disposed');
  assert.not.ok((await registry.matches()).some((m) => m.id === id));
  // A later placement creates a match again.
  const again = await matchmake(worker.url, { type: 'classic' });
  assert.is.not(again.matchId, id);
});

Worker('an embedded server keeps its default match warm however long it is empty', async (ctx) => {
  const server = await createServer({ ...quiet, rules, emptyDisposeMs: 100 });
  ctx.servers.push(server);
  await sleep(600);
  assert.ok(server.matches.has(server.matchId), 'still there');
  assert.ok((await server.registry.matches()).some((m) => m.id === server.matchId), 'still listed');
});

Worker('a worker asked directly for a seat on another worker answers with that worker\'s url, and the seat is admitted there', async (ctx) => {
  const registry = createMemoryRegistry();
  const a = await createServer({ ...quiet, rules, cluster: { registry, workerId: 'wa' } });
  const b = await createServer({ ...quiet, host: '127.0.0.2', rules, cluster: { registry, workerId: 'wb' } });
  ctx.servers.push(a, b);
  const first = await matchmake(a.url, { type: 'classic', create: true });
  const owner = (await registry.matches()).find((m) => m.id === first.matchId)!.worker;
  const [asked, other] = owner === 'wa' ? [b, a] : [a, b];
  const answer = await matchmake(asked.url, { type: 'classic', matchId: first.matchId });
  assert.is(answer.url, other.url, 'the owner\'s url, not the url asked');
  // The client's own matchmaking asks the same worker, and must land on the owner.
  const client = createClient({ url: asked.url, type: 'classic', matchId: first.matchId });
  ctx.clients.push(client);
  await waitFor(() => client.localEntity !== undefined, 5000, 'admitted on the owner');
  assert.ok(other.matches.get(first.matchId)?.players === 1, 'the player is in the owner\'s match');
});

Worker.run();
