// Many matches in one process: match types built on the API, played over real sockets; matches
// that never see each other's players or events; the embedded matchmaking API; seats; disposal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as connect, type Socket } from 'socket.io-client';
import { createClient, createLogger, createServer, matchmake, PROTOCOL_VERSION, roundTimer, type GameClient, type GameServer, type HostedMatch, type MatchType } from '../../net';
import { rules } from '../rules';
import { sleep, waitFor, within } from '../helpers';

interface Ctx {
  server?: GameServer;
  clients: GameClient[];
  sockets: Socket[];
}
const Matches = suite<Ctx>('matches');
Matches.before.each((ctx) => {
  ctx.clients = [];
  ctx.sockets = [];
  ctx.server = undefined;
});
Matches.after.each(async (ctx) => {
  for (const c of ctx.clients) c.close();
  for (const s of ctx.sockets) s.disconnect();
  await ctx.server?.close();
});

const quiet = { port: 0, host: '127.0.0.1', logger: createLogger('silent') };
const classicType: MatchType = { name: 'classic', rules, capacity: 16 };

async function classicOn(ctx: Ctx, url: string, seat: { seat: string; matchId: string }): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, query: { seat: seat.seat, match: seat.matchId } });
  ctx.sockets.push(socket);
  await within(5000, new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }), 'classic client to connect');
  return socket;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/matchmake`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

Matches('a second match type built on the API is played over real sockets: hooks, end condition, result, disposal', async (ctx) => {
  const calls: string[] = [];
  const duel: MatchType = {
    name: 'duel', rules: { ...rules, map: { width: 40, height: 40 } }, capacity: 2,
    end: roundTimer(1.5),
    hooks: {
      created: (m: HostedMatch) => calls.push(`created ${m.type.name}`),
      playerJoined: () => calls.push('joined'),
      playerLeft: () => calls.push('left'),
      disposed: (_m, reason) => calls.push(`disposed ${reason}`),
    },
  };
  const server = (ctx.server = await createServer({ ...quiet, types: [classicType, duel] }));
  const a = createClient({ url: server.url, type: 'duel' });
  const b = createClient({ url: server.url, type: 'duel' });
  ctx.clients.push(a, b);
  const ended: string[] = [];
  a.on('matchEnded', (r) => ended.push(`a ${r.reason} ${r.scores.length}`));
  b.on('matchEnded', (r) => ended.push(`b ${r.reason} ${r.scores.length}`));
  await waitFor(() => a.localEntity !== undefined && b.localEntity !== undefined, 5000, 'both duelists placed');
  assert.is(a.matchId, b.matchId, 'both in one duel');
  assert.is(a.rules?.map.width, 40, 'the duel rules reach the client');
  await waitFor(() => a.world.entities.size === 2, 3000, 'a sees b');
  const m = server.matches.get(a.matchId!)!;
  assert.is(m.type.name, 'duel');
  // Capacity 2: a third player gets a new duel, not this one.
  const third = await post(server.url, { type: 'duel' });
  assert.is(third.status, 200);
  assert.is.not(third.body.matchId, a.matchId);
  const full = await post(server.url, { type: 'duel', matchId: a.matchId });
  assert.is(full.status, 503, 'joining the full duel by id is refused');
  assert.is(full.body.error, 'full');
  await waitFor(() => ended.length === 2, 4000, 'both told the result');
  assert.equal(ended.sort(), ['a time 2', 'b time 2']);
  await waitFor(() => !server.matches.has(m.id), 2000, 'the ended duel disposed');
  assert.equal(calls.slice(0, 3), ['created duel', 'joined', 'joined']);
  assert.ok(calls.includes('disposed ended: time'), calls.join(', '));
  const listed = (await (await fetch(`${server.url}/matches`)).json()) as { id: string }[];
  assert.not.ok(listed.some((x) => x.id === m.id), 'the registry forgot the ended match');
});

Matches('two matches in one process never see each other\'s players or events (engine and classic)', async (ctx) => {
  const server = (ctx.server = await createServer({ ...quiet, types: [classicType] }));
  const one = await matchmake(server.url, { type: 'classic', create: true });
  const two = await matchmake(server.url, { type: 'classic', create: true });
  assert.is.not(one.matchId, two.matchId);
  const heard: { who: string; event: string; id: string }[] = [];
  const c1 = await classicOn(ctx, server.url, one);
  const c2 = await classicOn(ctx, server.url, two);
  for (const [who, s] of [['c1', c1], ['c2', c2]] as const) {
    for (const event of ['new_player', 'player_moved', 'player_left', 'player_attacked']) {
      s.on(event, (p: { id: string }) => heard.push({ who, event, id: p.id }));
    }
  }
  const e1 = createClient({ url: server.url, matchId: one.matchId });
  const e2 = createClient({ url: server.url, matchId: two.matchId });
  ctx.clients.push(e1, e2);
  await waitFor(() => e1.welcome && e2.welcome && e1.localEntity !== undefined && e2.localEntity !== undefined, 5000, 'delta clients in');
  assert.is(e1.matchId, one.matchId);
  assert.is(e2.matchId, two.matchId);
  for (let i = 0; i < 10; i++) {
    e1.sendInput({ mx: 1, my: 0, attack: true });
    e2.sendInput({ mx: -1, my: 0, attack: true });
    c1.emit('move', { x: 10 + i, y: 10 });
    c2.emit('move', { x: 60 - i, y: 60 });
    await sleep(50);
  }
  await sleep(300);
  const m1 = server.matches.get(one.matchId)!;
  const m2 = server.matches.get(two.matchId)!;
  const ids = (m: HostedMatch) => new Set([...m.match.sessions.byToken.values()].map((s) => s.publicId));
  const in1 = ids(m1);
  const in2 = ids(m2);
  assert.is(in1.size, 2);
  assert.is(in2.size, 2);
  for (const h of heard) {
    const own = h.who === 'c1' ? in1 : in2;
    assert.ok(own.has(h.id), `${h.who} heard ${h.event} of ${h.id}, a player of the other match`);
  }
  assert.ok(heard.some((h) => h.who === 'c1' && h.event === 'player_moved'), 'c1 hears its own match');
  assert.is(e1.world.entities.size, 2, 'e1 mirrors only its match');
  assert.is(e2.world.entities.size, 2, 'e2 mirrors only its match');
  assert.is.not(m1.match.world, m2.match.world);
});

Matches('matchmaking API: bad bodies and unknown types 400 JSON, lists, seats refused with clear codes', async (ctx) => {
  const server = (ctx.server = await createServer({ ...quiet, types: [classicType] }));
  assert.is((await post(server.url, 'nope')).status, 400);
  assert.is((await post(server.url, [1])).status, 400);
  const unknown = await post(server.url, { type: 'nope' });
  assert.is(unknown.status, 400);
  assert.is(unknown.body.error, 'bad_type');
  assert.is((await post(server.url, { type: 'classic', matchId: 'x y' })).status, 400);
  const ok = await post(server.url, { type: 'classic' });
  assert.is(ok.status, 200);
  assert.is(ok.body.path, '/socket.io/');
  assert.is(ok.body.type, 'classic');
  assert.is(ok.body.matchId, server.matchId, 'the default match fills first');
  const workers = (await (await fetch(`${server.url}/workers`)).json()) as { id: string }[];
  assert.equal(workers.map((w) => w.id), ['local']);
  const refused = async (auth: Record<string, unknown>): Promise<unknown> => {
    const s = connect(server.url, { transports: ['websocket'], reconnection: false, auth });
    ctx.sockets.push(s);
    return within(3000, new Promise((resolve) => s.once('connect_error', (e) => resolve((e as { data?: { code?: string } }).data?.code))), 'refusal');
  };
  assert.is(await refused({ skirmish: PROTOCOL_VERSION, seat: 'forged', matchId: server.matchId }), 'seat_unknown');
  const s = connect(server.url, { transports: ['websocket'], reconnection: false, auth: { skirmish: PROTOCOL_VERSION, seat: ok.body.seat, matchId: ok.body.matchId } });
  ctx.sockets.push(s);
  await within(3000, new Promise<void>((r) => s.once('connect', () => r())), 'seat admitted');
  assert.is(await refused({ skirmish: PROTOCOL_VERSION, seat: ok.body.seat, matchId: ok.body.matchId }), 'seat_used');
});

Matches('a token resumes its player in its own match; an empty match is disposed after emptyDisposeMs', async (ctx) => {
  const disposed: string[] = [];
  const type: MatchType = { ...classicType, hooks: { disposed: (m, why) => disposed.push(`${m.id} ${why}`) } };
  const server = (ctx.server = await createServer({ ...quiet, types: [type], emptyDisposeMs: 300, graceMs: 2000 }));
  const placed = await matchmake(server.url, { type: 'classic', create: true });
  const a = createClient({ url: server.url, matchId: placed.matchId });
  ctx.clients.push(a);
  await waitFor(() => a.localEntity !== undefined, 5000, 'a in');
  const token = a.token;
  a.socket.io.engine.close(); // the link fails: the player waits out its grace
  await waitFor(() => a.welcome?.resumed === true, 5000, 'a resumed');
  assert.is(a.token, token);
  assert.is(server.matches.get(placed.matchId)!.match.stats.resumed, 1, 'resumed in its own match');
  a.close();
  await waitFor(() => disposed.length === 1, 3000, 'empty match disposed');
  assert.ok(disposed[0]!.startsWith(placed.matchId));
  assert.ok(server.matches.has(server.matchId), 'the default match is kept');
  const listed = (await (await fetch(`${server.url}/matches`)).json()) as { id: string }[];
  assert.not.ok(listed.some((x) => x.id === placed.matchId));
});

Matches('metrics by match type; ADMIN_TOKEN guards /metrics, /stats, /workers and /dashboard on the embedded server', async (ctx) => {
  const arena: MatchType = { name: 'arena', rules: { ...rules, map: { width: 1000, height: 1000 } }, capacity: 500 };
  const server = (ctx.server = await createServer({ ...quiet, types: [classicType, arena], adminToken: 'sesame' }));
  const a = createClient({ url: server.url, type: 'arena' });
  ctx.clients.push(a);
  await waitFor(() => a.localEntity !== undefined, 5000, 'arena player in');
  await sleep(300);
  for (const path of ['/metrics', '/stats', '/workers', '/dashboard']) {
    assert.is((await fetch(`${server.url}${path}`)).status, 401, path);
  }
  assert.is((await fetch(`${server.url}/matches`)).status, 200, '/matches stays open');
  const bearer = { headers: { authorization: 'Bearer sesame' } };
  const text = await (await fetch(`${server.url}/metrics`, bearer)).text();
  assert.match(text, /skirmish_match_tick_seconds_count\{type="arena"\} [1-9]/);
  assert.match(text, /skirmish_match_tick_seconds_count\{type="classic"\} [1-9]/);
  assert.ok(text.includes('skirmish_matches{type="arena"} 1'));
  assert.ok(text.includes('skirmish_match_players{type="arena"} 1'));
  const stats = (await (await fetch(`${server.url}/stats`, bearer)).json()) as { players: number; tickP99Ms: Record<string, number> };
  assert.is(stats.players, 1);
  assert.type(stats.tickP99Ms.arena, 'number');
});

Matches.run();
