import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as connect, type Socket } from 'socket.io-client';
import { battleSystems, getStore, Position, type BattleWorld } from '../../engine';
import { encodeInput, latestPosition, parser, PROTOCOL_VERSION, type ErrorPayload } from '../../net';
import { KickCooldown } from '../../net/server/cooldown';
import { Harness } from './harness';
import { reckoned, sleep, waitFor, within } from '../helpers';

const Abuse = suite<{ h: Harness }>('abuse');
Abuse.before.each((ctx) => {
  ctx.h = new Harness();
});
Abuse.after.each(async (ctx) => {
  await ctx.h.close();
});

function attempt(url: string, options: Parameters<typeof connect>[1], ms = 3000): Promise<{ ok: boolean; error?: Error & { data?: { code?: string } }; socket: Socket }> {
  const socket = connect(url, { reconnection: false, transports: ['websocket'], ...options });
  return within(ms, new Promise((resolve) => {
    socket.once('connect', () => resolve({ ok: true, socket }));
    socket.once('connect_error', (error) => resolve({ ok: false, error, socket }));
  }), 'connect attempt');
}

Abuse('an input flood is rate-limited: excess dropped, sustained abuse disconnected, others unaffected', async ({ h }) => {
  await h.start();
  const honest = await h.engine();
  const flooder = await h.classic();
  const errors: ErrorPayload[] = [];
  flooder.on('error', (e: ErrorPayload) => errors.push(e));
  const gone = new Promise<string>((r) => flooder.on('disconnect', r));
  const eid = h.eidOf(honest.welcome!.sid);
  const x0 = getStore(h.server.match.world, Position).x[eid]!;
  honest.sendInput({ mx: x0 > 50 ? -1 : 1, my: 0, attack: false });
  for (let i = 0; i < 1500; i++) flooder.emit('move', { x: i % 100, y: 50 });
  assert.is(await within(5000, gone, 'flooder kicked'), 'io server disconnect');
  const stats = h.server.match.stats;
  assert.ok(stats.dropped >= 200, `dropped ${stats.dropped}`);
  assert.is(stats.kicked, 1);
  assert.ok(errors.some((e) => e.code === 'rate_limited'));
  assert.ok(errors.some((e) => e.code === 'kicked'));
  assert.ok(errors.length <= 40, `error replies are rate-limited too: ${errors.length}`);
  await waitFor(() => h.server.match.sessions.byToken.size === 1, 3000, 'flooder removed');
  await waitFor(() => Math.abs(getStore(h.server.match.world, Position).x[eid]! - x0) > 3, 3000, 'honest still moves');
});

Abuse('an honest client at 20 inputs/s for 3 s is never limited', async ({ h }) => {
  await h.start();
  const c = await h.engine();
  const errors: unknown[] = [];
  c.on('error', (e) => errors.push(e));
  for (let i = 0; i < 60; i++) {
    c.sendInput({ mx: Math.cos(i), my: Math.sin(i), attack: i % 20 === 0 });
    await sleep(50);
  }
  await waitFor(() => c.lastAckedSeq === c.lastSentSeq, 3000);
  assert.equal(errors, []);
  assert.is(h.server.match.stats.dropped, 0);
});

Abuse('junk over binary is refused without crashing: raw bytes of every size', async ({ h }) => {
  await h.start();
  const honest = await h.engine();
  const bad = await h.classic();
  for (let n = 0; n < 40; n++) bad.emit('i', new Uint8Array(n).fill(0xff));
  bad.emit('i', encodeInput({ seq: 1, mx: 1, my: 0, attack: false }).subarray(1));
  await sleep(200);
  assert.ok(h.server.match.stats.rejected >= 40);
  honest.sendInput({ mx: 0, my: 1, attack: false });
  await waitFor(() => honest.lastAckedSeq === honest.lastSentSeq, 3000);
});

Abuse('origins: same origin and allowlisted origins connect, others are refused (both transports)', async ({ h }) => {
  const server = await h.start({ corsOrigins: ['http://friend.example'] });
  const host = new URL(server.url).host;
  for (const transports of [['websocket'], ['polling']] as const) {
    const same = await attempt(server.url, { transports: [...transports], extraHeaders: { origin: `http://${host}` } });
    const friend = await attempt(server.url, { transports: [...transports], extraHeaders: { origin: 'http://friend.example' } });
    const evil = await attempt(server.url, { transports: [...transports], extraHeaders: { origin: 'http://evil.example' } });
    const none = await attempt(server.url, { transports: [...transports] });
    for (const r of [same, friend, evil, none]) r.socket.disconnect();
    assert.equal([same.ok, friend.ok, evil.ok, none.ok], [true, true, false, true], transports[0]);
  }
});

Abuse('no CORS header for foreign origins by default', async ({ h }) => {
  const server = await h.start();
  const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.example' } });
  assert.is(res.headers.get('access-control-allow-origin'), null);
  assert.is(res.status, 403);
});

Abuse('connections per address are capped (loopback exemption off)', async ({ h }) => {
  const server = await h.start({ maxConnectionsPerAddress: 2, exemptLoopback: false });
  const a = await attempt(server.url, {});
  const b = await attempt(server.url, {});
  const c = await attempt(server.url, {});
  assert.equal([a.ok, b.ok, c.ok], [true, true, false]);
  assert.is(c.error?.data?.code, 'too_many_connections');
  a.socket.disconnect();
  await waitFor(() => server.match.sessions.byToken.size === 1);
  const d = await attempt(server.url, {});
  assert.ok(d.ok, 'a slot frees up when a connection closes');
  for (const r of [b, c, d]) r.socket.disconnect();
});

Abuse('a connection closed before admission does not keep its address slot', async ({ h }) => {
  const server = await h.start({ maxConnectionsPerAddress: 2, exemptLoopback: false });
  // One polling request carrying a CONNECT and a ping (clients may not ping): engine.io closes the
  // connection while decoding it, before Socket.IO runs the admission middleware on the CONNECT.
  const polling = `${server.url}/socket.io/?EIO=4&transport=polling`;
  for (let i = 0; i < 3; i++) {
    const open = await (await fetch(polling)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    await fetch(`${polling}&sid=${sid}`, { method: 'POST', body: '40\x1e2', headers: { 'content-type': 'text/plain;charset=UTF-8' } });
  }
  const a = await attempt(server.url, {});
  const b = await attempt(server.url, {});
  a.socket.disconnect();
  b.socket.disconnect();
  assert.equal([a.ok, b.ok], [true, true], 'both slots still free');
});

Abuse('500 connections from loopback are fine with the defaults', async ({ h }) => {
  const server = await h.start();
  const sockets: Socket[] = [];
  try {
    const results = await Promise.all(Array.from({ length: 500 }, () => attempt(server.url, {}, 30_000)));
    for (const r of results) sockets.push(r.socket);
    assert.is(results.filter((r) => r.ok).length, 500);
    assert.is(server.match.sessions.byToken.size, 500);
  } finally {
    for (const s of sockets) s.disconnect();
  }
});

Abuse('the match is full at maxPlayers', async ({ h }) => {
  const server = await h.start({ maxPlayers: 1 });
  const a = await attempt(server.url, {});
  const b = await attempt(server.url, {});
  assert.equal([a.ok, b.ok], [true, false]);
  assert.is(b.error?.data?.code, 'server_full');
  a.socket.disconnect();
  b.socket.disconnect();
});

Abuse('a throwing system is logged and the tick goes on', async ({ h }) => {
  let thrown = 0;
  const faulty = (world: BattleWorld): void => {
    if (world.time.tick % 2 === 0) {
      thrown++;
      throw new Error('bug in a game system');
    }
  };
  await h.start({ systems: [...battleSystems.slice(0, 2), faulty, ...battleSystems.slice(2)] });
  const c = await h.engine();
  const eid = h.eidOf(c.welcome!.sid);
  h.place(c.welcome!.sid, 10, 10);
  c.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => getStore(h.server.match.world, Position).x[eid]! > 15, 3000, 'still simulating');
  await waitFor(() => (reckoned(c, c.welcome!.id, h.server.match.world.time.tick)?.x ?? 0) > 15, 3000, 'still sending state');
  await waitFor(() => thrown > 5, 3000, 'the faulty system kept being called');
});

Abuse('a kicked delta client leaves at once and its token is refused for a while; its loopback neighbours are not', async ({ h }) => {
  const server = await h.start();
  const auth = { skirmish: PROTOCOL_VERSION };
  const first = { socket: connect(server.url, { reconnection: false, transports: ['websocket'], parser, auth }) };
  const welcome = await within(3000, new Promise<{ token: string; id: number }>((r) => first.socket.once('welcome', r)), 'welcome');
  const gone = new Promise<string>((r) => first.socket.on('disconnect', r));
  for (let i = 0; i < 400; i++) first.socket.emit('junk', i);
  assert.is(await within(5000, gone, 'kicked'), 'io server disconnect');
  // No grace window for a kicked player: it is gone from the match before the next tick.
  assert.is(server.match.sessions.byToken.size, 0);
  assert.not.ok(server.match.world.sync.byNetId.has(welcome.id), 'its entity left at once');
  const again = await attempt(server.url, { parser, auth: { ...auth, token: welcome.token } });
  assert.not.ok(again.ok);
  assert.is(again.error?.data?.code, 'cooling_down');
  const retryMs = (again.error?.data as { retryMs?: number } | undefined)?.retryMs ?? 0;
  assert.ok(retryMs > 0 && retryMs <= 5000, `retry in ${retryMs} ms`);
  // Loopback is shared (bots, a proxy): the address itself is not refused.
  const neighbour = await attempt(server.url, { parser, auth });
  assert.ok(neighbour.ok, 'another client on the same address gets in');
  for (const s of [first.socket, again.socket, neighbour.socket]) s.disconnect();
});

Abuse('the kick cool-down: by token always, by address unless shared, and only for its duration', () => {
  let now = 1000;
  const c = new KickCooldown(5000, () => now);
  c.kicked('127.0.0.1', 'tok');
  assert.is(c.remaining('127.0.0.1', undefined), 0, 'loopback is shared: not refused by address');
  assert.is(c.remaining('127.0.0.1', 'tok'), 5000);
  c.kicked('203.0.113.7', 'tok2');
  assert.is(c.remaining('203.0.113.7', undefined), 5000, 'a public address is refused');
  assert.is(c.remaining('203.0.113.8', undefined), 0);
  c.kicked('192.168.1.20', undefined);
  assert.is(c.remaining('192.168.1.20', undefined), 0, 'behind NAT: not refused by address');
  now += 5000;
  assert.is(c.remaining('203.0.113.7', 'tok2'), 0, 'the cool-down ends');
});

Abuse.run();
