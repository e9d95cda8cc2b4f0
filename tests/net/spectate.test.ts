// Live spectating over real sockets: a spectator has no entity and no seat, sees every player
// (where a player's interest would not), is in no player's state, roster or count, is capped,
// cannot act on the world, is counted in /metrics, /stats and /matches, and is told when its
// match is disposed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient, encodeInput, entityOf, ErrorCodes, type ErrorPayload, type GameClient, type MatchType } from '../../net';
import { getStore, Position } from '../../engine';
import { Harness, rules } from './harness';
import { sleep, waitFor, within } from '../helpers';

const Spectate = suite<{ h: Harness; watchers: GameClient[] }>('spectate');
Spectate.before.each((ctx) => {
  ctx.h = new Harness();
  ctx.watchers = [];
});
Spectate.after.each(async (ctx) => {
  for (const c of ctx.watchers) c.close();
  await ctx.h.close();
});

/** A spectator of `matchId`, resolved once welcomed. */
async function watch(ctx: { h: Harness; watchers: GameClient[] }, matchId: string): Promise<GameClient> {
  const client = createClient({ url: ctx.h.server.url, spectate: matchId });
  ctx.watchers.push(client);
  await within(5000, new Promise<void>((resolve, reject) => {
    client.on('welcome', () => resolve());
    client.on('error', (e) => {
      if (!('code' in e)) reject(e);
    });
  }), 'spectator welcome');
  return client;
}

/** The `data.code` a refused spectator's connect_error carries. */
async function refusedCode(ctx: { h: Harness; watchers: GameClient[] }, matchId: string): Promise<string | undefined> {
  const client = createClient({ url: ctx.h.server.url, spectate: matchId });
  ctx.watchers.push(client);
  const error = await within(5000, new Promise<Error>((resolve) => {
    client.on('error', (e) => {
      if (e instanceof Error) resolve(e);
    });
  }), 'refusal');
  return (error as { data?: { code?: string } }).data?.code;
}

const bigMap = { ...rules, map: { width: 1000, height: 1000 } };

Spectate('a spectator sees every player of a big map, where a player sees only those near it', async (ctx) => {
  const { h } = ctx;
  await h.start({ rules: bigMap, interest: { viewRadius: 50 } });
  const a = await h.engine({ name: 'Ann' });
  const b = await h.engine({ name: 'Bob' });
  h.place(a.welcome!.sid, 100, 100);
  h.place(b.welcome!.sid, 900, 900);
  const idA = a.welcome!.id;
  const idB = b.welcome!.id;
  await waitFor(() => entityOf(a.world, idB) === undefined && entityOf(b.world, idA) === undefined, 5000, 'players out of each other\'s view');
  const s = await watch(ctx, h.server.matchId);
  assert.is(s.welcome?.spectator?.matchId, h.server.matchId);
  assert.is(s.welcome?.id, 0, 'no player of its own');
  await waitFor(() => entityOf(s.world, idA) !== undefined && entityOf(s.world, idB) !== undefined, 5000, 'the spectator sees both');
  assert.is(s.localEntity, undefined);
  assert.is(s.world.entities.size, 2, 'only the two players: the spectator has no entity');
  const pos = getStore(s.world, Position);
  await waitFor(() => {
    s.update();
    const eb = entityOf(s.world, idB)!;
    return Math.abs(pos.x[eb]! - 900) < 1 && Math.abs(pos.y[eb]! - 900) < 1;
  }, 5000, 'the spectator draws Bob where he is, 800 units from Ann');
  assert.ok(s.names.get(idA) === 'Ann' && s.names.get(idB) === 'Bob', 'the spectator gets the roster of names');
  assert.is(entityOf(a.world, idB), undefined, 'Ann still does not see Bob');
  assert.throws(() => s.sendInput({ mx: 1, my: 0, attack: false }), /Skirmish: .*spectator/);
  assert.throws(() => s.setName('Eve'), /Skirmish: .*spectator/);
  assert.is(s.predicted, undefined, 'nothing predicted: no own player');
  // A player who leaves leaves the spectator's view too.
  b.close();
  await waitFor(() => entityOf(s.world, idB) === undefined, 5000, 'Bob gone from the spectator\'s mirror');
  assert.ok(entityOf(s.world, idA) !== undefined, 'Ann still there');
});

Spectate('a spectator is in no player\'s state, roster, classic list or count, and holds no seat', async (ctx) => {
  const { h } = ctx;
  await h.start();
  const a = await h.engine({ name: 'Ann' });
  const classic = await h.classic();
  await waitFor(() => a.names.size === 2, 3000, 'Ann hears of the classic player');
  const newPlayers: string[] = [];
  classic.on('new_player', (p: { id: string }) => newPlayers.push(p.id));
  const namesSeen: number[] = [];
  a.on('names', (names) => namesSeen.push(names.size));
  const s1 = await watch(ctx, h.server.matchId);
  const s2 = await watch(ctx, h.server.matchId);
  await waitFor(() => s1.world.entities.size === 2 && s2.world.entities.size === 2, 5000, 'spectators see both players');
  await sleep(300);
  assert.equal(newPlayers, [], 'classic clients hear of no new player');
  assert.equal(namesSeen, [], 'no names announced to players');
  assert.is(a.names.size, 2, 'the roster is the two players');
  assert.is(a.world.entities.size, 2, 'the engine player mirrors the two players only');
  assert.is(h.server.match.sessions.byToken.size, 2);
  assert.is(h.server.matches.get(h.server.matchId)!.players, 2);
  assert.is(h.server.matches.get(h.server.matchId)!.spectators, 2);
  const stats = (await (await fetch(`${h.server.url}/stats`)).json()) as { players: number; spectators: number };
  assert.is(stats.players, 2);
  assert.is(stats.spectators, 2);
  // The registry learns the spectators with the next heartbeat (every 2 s); its player count never includes them.
  const deadline = Date.now() + 8000;
  let mine: { id: string; players: number; spectators: number } | undefined;
  while (Date.now() < deadline) {
    const listed = (await (await fetch(`${h.server.url}/matches`)).json()) as { id: string; players: number; spectators: number }[];
    mine = listed.find((m) => m.id === h.server.matchId);
    if (mine?.spectators === 2) break;
    await sleep(200);
  }
  assert.is(mine?.spectators, 2, '/matches lists the two spectators');
  assert.is(mine?.players, 2, 'seated players: spectators hold no seat');
});

Spectate('spectators beyond the cap, and of an unknown match, are refused with a code', async (ctx) => {
  const { h } = ctx;
  const small: MatchType = { name: 'small', rules, capacity: 8, spectatorCap: 1 };
  await h.start({ types: [{ name: 'classic', rules, capacity: 8 }, small], spectatorCap: 2 });
  await watch(ctx, h.server.matchId);
  await watch(ctx, h.server.matchId);
  assert.is(await refusedCode(ctx, h.server.matchId), ErrorCodes.spectatorsFull, 'the server cap (2)');
  assert.is(await refusedCode(ctx, 'mNoSuchMatch'), ErrorCodes.matchUnknown);
  // A type's own cap wins over the server's.
  const p = createClient({ url: h.server.url, type: 'small' });
  ctx.watchers.push(p);
  await waitFor(() => p.localEntity !== undefined, 5000, 'a player in a small match');
  await watch(ctx, p.matchId!);
  assert.is(await refusedCode(ctx, p.matchId!), ErrorCodes.spectatorsFull, 'the type cap (1)');
  assert.is(h.server.matches.get(p.matchId!)!.spectators, 1);
});

Spectate('spectators do not count towards the server\'s player limit', async (ctx) => {
  const { h } = ctx;
  await h.start({ maxPlayers: 1 });
  await h.engine();
  const s = await watch(ctx, h.server.matchId);
  assert.ok(s.welcome?.spectator, 'a full server still takes a spectator');
  const late = createClient({ url: h.server.url });
  ctx.watchers.push(late);
  const refused = await within(5000, new Promise<string | undefined>((resolve) => {
    late.on('error', (e) => {
      if (e instanceof Error) resolve((e as { data?: { code?: string } }).data?.code);
    });
  }), 'a second player refused');
  assert.is(refused, ErrorCodes.serverFull, 'and the spectator did not take the player\'s place either');
});

Spectate('a spectator\'s game events are refused with a code and never touch the world', async (ctx) => {
  const { h } = ctx;
  await h.start();
  const a = await h.engine({ name: 'Ann' });
  h.place(a.welcome!.sid, 50, 50);
  const s = await watch(ctx, h.server.matchId);
  const errors: ErrorPayload[] = [];
  s.on('error', (e) => {
    if ('code' in e) errors.push(e);
  });
  const world = h.server.match.world;
  const pos = getStore(world, Position);
  const eid = h.eidOf(a.welcome!.sid);
  const entities = [...world.sync.byNetId.keys()].length;
  const socket = s.socket as unknown as { emit(event: string, ...args: unknown[]): void };
  socket.emit('i', encodeInput({ seq: 1, mx: 1, my: 0, attack: true, viewTimeMs: 0 }));
  socket.emit('move', { x: 0, y: 0 });
  socket.emit('attack', {});
  socket.emit('set_name', { name: 'Mallory' });
  socket.emit('nonsense', 1);
  await waitFor(() => errors.length === 5, 3000, 'five refusals');
  assert.equal(errors.map((e) => e.code), [
    ErrorCodes.spectatorReadOnly, ErrorCodes.spectatorReadOnly, ErrorCodes.spectatorReadOnly, ErrorCodes.spectatorReadOnly, ErrorCodes.unknownEvent,
  ]);
  assert.equal(errors.map((e) => e.event), ['i', 'move', 'attack', 'set_name', 'nonsense']);
  const tick = world.time.tick;
  await waitFor(() => world.time.tick > tick + 5, 3000, 'ticks after the refused events');
  assert.is(pos.x[eid], 50);
  assert.is(pos.y[eid], 50);
  assert.is([...world.sync.byNetId.keys()].length, entities, 'no entity was added');
  assert.equal([...a.names.values()], ['Ann'], 'no name appeared or changed');
  assert.is(h.server.match.stats.rejected, 5);
  // Clock probes are answered: a spectator's interpolation needs the server clock.
  await waitFor(() => s.clock.samples > 0, 5000, 'a clock probe answered');
  assert.is(s.status, 'connected', 'refusals below the strike budget do not disconnect');
});

Spectate('a spectator that keeps sending game events is kicked; the players play on', async (ctx) => {
  const { h } = ctx;
  await h.start({ limits: { strikeBudget: 5, strikeRefillPerSecond: 0.001 } });
  const a = await h.engine({ name: 'Ann' });
  const s = await watch(ctx, h.server.matchId);
  const codes: string[] = [];
  s.on('error', (e) => {
    if ('code' in e) codes.push(e.code);
  });
  const socket = s.socket as unknown as { emit(event: string, ...args: unknown[]): void };
  for (let i = 0; i < 10; i++) socket.emit('attack', {});
  await waitFor(() => codes.includes(ErrorCodes.kicked), 3000, 'the kick');
  await waitFor(() => h.server.matches.get(h.server.matchId)!.spectators === 0, 3000, 'the spectator gone');
  assert.is(h.server.match.stats.kicked, 1);
  assert.is(h.server.match.sessions.byToken.size, 1, 'Ann plays on');
  a.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => a.lastAckedSeq >= 1, 3000, 'Ann\'s input still applied');
});

Spectate('spectating needs the delta protocol: a classic handshake asking for it is refused', async (ctx) => {
  const { h } = ctx;
  await h.start();
  const error = await h.classic({ query: { spectate: h.server.matchId } }).then(() => undefined, (e: Error) => e);
  assert.is((error as { data?: { code?: string } } | undefined)?.data?.code, ErrorCodes.badInput);
  assert.is(h.server.matches.get(h.server.matchId)!.spectators, 0);
  assert.is(h.server.match.sessions.byToken.size, 0, 'nor was it made a player');
});

Spectate('spectators are counted in /metrics by match type', async (ctx) => {
  const { h } = ctx;
  await h.start();
  await h.engine();
  await watch(ctx, h.server.matchId);
  await watch(ctx, h.server.matchId);
  const text = await (await fetch(`${h.server.url}/metrics`)).text();
  assert.ok(text.includes('skirmish_spectators{type="classic"} 2'), 'two spectators of classic matches');
  assert.ok(text.includes('skirmish_match_players{type="classic"} 1'), 'one player: spectators are not players');
  ctx.watchers[1]!.close();
  await waitFor(() => h.server.matches.get(h.server.matchId)!.spectators === 1, 3000, 'a spectator left');
  const after = await (await fetch(`${h.server.url}/metrics`)).text();
  assert.ok(after.includes('skirmish_spectators{type="classic"} 1'));
});

Spectate('a match with only spectators is empty: it is disposed and they are told why', async (ctx) => {
  const { h } = ctx;
  await h.start({ types: [{ name: 'classic', rules, capacity: 8 }, { name: 'arena', rules, capacity: 8 }], emptyDisposeMs: 300 });
  const p = createClient({ url: h.server.url, type: 'arena' });
  await waitFor(() => p.localEntity !== undefined, 5000, 'a player in an arena');
  const matchId = p.matchId!;
  const s = await watch(ctx, matchId);
  const ended: { matchId: string; reason: string }[] = [];
  s.on('spectateEnded', (notice) => ended.push(notice));
  await waitFor(() => s.world.entities.size === 1, 3000, 'the spectator sees the player');
  p.close();
  await waitFor(() => ended.length === 1, 5000, 'the spectator told of the disposal');
  assert.equal(ended[0], { matchId, reason: 'empty' });
  assert.not.ok(h.server.matches.has(matchId), 'the spectator did not keep the empty match alive');
  await waitFor(() => s.status === 'disconnected', 3000, 'the spectator disconnected');
  await sleep(600);
  assert.is(s.status, 'disconnected', 'and it does not reconnect');
  assert.is(await refusedCode(ctx, matchId), ErrorCodes.matchUnknown, 'the gone match is unknown now');
});

Spectate.run();
