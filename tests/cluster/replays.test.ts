// /replays at the gateway: two real workers (createServer in cluster mode, one memory registry)
// record their matches in folders of their own; the gateway lists them all and serves each file
// from the worker that holds it, live or finished.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyReplay } from '../../engine/replay';
import { parseReplay } from '../../engine/replay/parse';
import { createClient, createLogger, createServer, roundTimer, type GameClient, type GameServer, type MatchType } from '../../net';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { MemoryRegistry } from '../../net/cluster/memory-registry';
import { sleep, waitFor } from '../helpers';
import { rules } from '../rules';

interface Ctx {
  dir: string;
  registry: MemoryRegistry;
  workers: GameServer[];
  gateway: Gateway;
  clients: GameClient[];
}
const Replays = suite<Ctx>('gateway /replays');
const silent = createLogger('silent');
const types: MatchType[] = [{ name: 'classic', rules, capacity: 4 }, { name: 'short', rules, capacity: 4, end: roundTimer(1) }];

Replays.before.each(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'skirmish-gateway-replays-'));
  ctx.registry = new MemoryRegistry();
  ctx.workers = [];
  ctx.clients = [];
  for (const [id, host] of [['w1', '127.0.0.2'], ['w2', '127.0.0.3']] as const) {
    ctx.workers.push(await createServer({
      types, port: 0, host, logger: silent, cluster: { registry: ctx.registry, workerId: id }, record: { dir: join(ctx.dir, id) },
    }));
  }
  ctx.gateway = await createGateway({
    registry: ctx.registry, port: 0, host: '127.0.0.1', logger: silent, adminToken: '',
    types: Object.fromEntries(types.map((t) => [t.name, { capacity: t.capacity }])),
  });
});
Replays.after.each(async (ctx) => {
  for (const c of ctx.clients) c.close();
  await ctx.gateway.close();
  for (const w of ctx.workers) await w.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

type Entry = { id: string; type: string; live: boolean; worker: string; bytes: number };
const list = async (ctx: Ctx): Promise<Entry[]> => (await (await fetch(`${ctx.gateway.url}/replays`)).json()) as Entry[];
const bytesOf = async (url: string): Promise<{ status: number; body: Uint8Array; headers: Headers }> => {
  const res = await fetch(url);
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
};

/** A player in each worker's default match, joined through the gateway: a match records while someone plays. */
async function playInDefaults(ctx: Ctx): Promise<void> {
  for (const worker of ctx.workers) {
    const client = createClient({ url: ctx.gateway.url, matchId: worker.matchId });
    ctx.clients.push(client);
    await waitFor(() => client.localEntity !== undefined, 5000, `a player in ${worker.matchId}`);
  }
  // The recording starts at the tick after the join.
  await sleep(200);
}

Replays('lists every worker\'s recordings with the worker named, and serves each from its worker, live or finished', async (ctx) => {
  await playInDefaults(ctx);
  const defaults = ctx.workers.map((w) => w.matchId);
  const first = await list(ctx);
  assert.equal(first.map((e) => e.id).sort(), [...defaults].sort());
  assert.equal(first.map((e) => [e.id, e.worker]).sort(), [[defaults[0], 'w1'], [defaults[1], 'w2']].sort());

  // A short match played through the gateway ends and is disposed on its worker: finished, still served.
  const client = createClient({ url: ctx.gateway.url, type: 'short' });
  ctx.clients.push(client);
  await waitFor(() => client.matchId !== undefined && client.localEntity !== undefined, 5000, 'placed in a short match');
  const id = client.matchId!;
  const owner = ctx.workers.find((w) => w.matches.has(id))!;
  const ownerId = owner === ctx.workers[0] ? 'w1' : 'w2';
  const live = await bytesOf(`${ctx.gateway.url}/replays/${id}`);
  assert.is(live.status, 200);
  assert.is(live.headers.get('cache-control'), 'no-store');
  assert.is(parseReplay(live.body).header.matchId, id);
  await waitFor(() => !owner.matches.has(id), 10_000, 'the short match ended');
  await owner.recordings!.settled();

  const entries = await list(ctx);
  const entry = entries.find((e) => e.id === id);
  assert.ok(entry);
  assert.is(entry.worker, ownerId);
  assert.is(entry.live, false);
  assert.is(entry.type, 'short');
  const finished = await bytesOf(`${ctx.gateway.url}/replays/${id}`);
  assert.is(finished.status, 200);
  assert.equal(finished.body, new Uint8Array(readFileSync(join(ctx.dir, ownerId, `${id}.skr`))));
  assert.is(verifyReplay(finished.body).ok, true);
  assert.ok(finished.headers.get('etag'));
});

Replays('unknown and malformed ids are a 404 with a JSON error at the gateway too', async (ctx) => {
  for (const path of ['/replays/nope', '/replays/..%2F..%2Fpackage.json', '/replays/a%00b', `/replays/${'x'.repeat(300)}`]) {
    const res = await fetch(`${ctx.gateway.url}${path}`);
    assert.is(res.status, 404, path);
    const body = (await res.json()) as { error: string };
    assert.is(body.error, 'not_found');
  }
  assert.is((await fetch(`${ctx.gateway.url}/replays/${ctx.workers[0]!.matchId}`, { method: 'DELETE' })).status, 405);
});

Replays('a worker that does not answer costs its own entries, not the list', async (ctx) => {
  // A worker the registry still lists whose address nobody answers on (a port of a closed server).
  const gone = await createServer({ types, port: 0, host: '127.0.0.4', logger: silent, record: false });
  const deadUrl = gone.url;
  await gone.close();
  await ctx.registry.heartbeat({ id: 'w3', pid: 1, host: 'x', url: deadUrl, matches: 0, players: 0 }, []);
  await playInDefaults(ctx);
  const listed = await list(ctx);
  assert.equal([...new Set(listed.map((e) => e.worker))].sort(), ['w1', 'w2']);
  assert.is((await fetch(`${ctx.gateway.url}/replays/nope`)).status, 404);
});

Replays.run();
