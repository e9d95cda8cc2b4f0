import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { entityOf } from '../../net';
import { getStore, Health } from '../../engine';
import { Harness, next } from './harness';
import { waitFor, sleep } from '../helpers';

type Moved = { id: string; position: { x: number; y: number; hp: number } };

const Classic = suite<{ h: Harness }>('classic event protocol');
Classic.before.each(async (ctx) => {
  ctx.h = new Harness();
  await ctx.h.start();
});
Classic.after.each(async (ctx) => {
  await ctx.h.close();
});

Classic('on connect a client gets new_player for everyone, itself included', async ({ h }) => {
  const engine = await h.engine();
  const roster: Moved[] = [];
  const { io } = await import('socket.io-client');
  const socket = io(h.server.url, { transports: ['websocket'], reconnection: false, autoConnect: false });
  socket.on('new_player', (p: Moved) => roster.push(p));
  socket.connect();
  await waitFor(() => roster.length === 2, 3000, 'two new_player events');
  const ids = roster.map((p) => p.id).sort();
  assert.equal(ids, [engine.welcome!.sid, socket.id].sort());
  for (const p of roster) {
    assert.is(p.position.hp, 100);
    assert.ok(p.position.x >= 0 && p.position.x <= 100 && p.position.y >= 0 && p.position.y <= 100);
  }
  socket.disconnect();
});

Classic('move walks toward the target at the speed limit, reported once per tick', async ({ h }) => {
  const socket = await h.classic();
  h.place(socket.id!, 10, 10);
  const moves: Moved[] = [];
  socket.on('player_moved', (p: Moved) => p.id === socket.id && moves.push(p));
  socket.emit('move', { x: 90, y: 10 });
  await waitFor(() => moves.length >= 6, 3000, 'six player_moved');
  for (let i = 1; i < moves.length; i++) {
    const step = moves[i]!.position.x - moves[i - 1]!.position.x;
    assert.ok(step > 0 && step <= 25 / 30 + 1e-4, `step ${step} exceeds the speed limit`);
  }
  // Far targets are clamped to the map; the player stops at the edge.
  socket.emit('move', { x: 500, y: -500 });
  await waitFor(() => moves.at(-1)!.position.x === 100 && moves.at(-1)!.position.y === 0, 8000, 'player at the corner');
});

Classic('attack hits neighbours: player_attacked, then player_killed', async ({ h }) => {
  const attacker = await h.classic();
  const victim = await h.classic();
  h.place(attacker.id!, 50, 50);
  h.place(victim.id!, 60, 50); // exactly at range 10
  const hit = next<{ id: string; hp: number }>(victim, 'player_attacked');
  attacker.emit('attack');
  assert.equal(await hit, { id: victim.id, hp: 90 });
  getStore(h.server.match.world, Health).hp[h.eidOf(victim.id!)] = 10;
  await sleep(550); // cooldown
  const killed = next<{ id: string }>(attacker, 'player_killed');
  attacker.emit('attack', {});
  assert.equal(await killed, { id: victim.id });
});

Classic('engine and classic clients play in one match', async ({ h }) => {
  const engine = await h.engine();
  const socket = await h.classic();
  h.place(socket.id!, 30, 30);
  h.place(engine.welcome!.sid, 35, 30);
  const classicNetId = h.server.match.sessions.bySocketId.get(socket.id!)!.netId;
  await waitFor(() => entityOf(engine.world, classicNetId) !== undefined, 3000, 'delta client sees classic player');
  const seen = next<Moved>(socket, 'player_moved', (p) => p.id === engine.welcome!.sid && p.position.x > 36);
  engine.sendInput({ mx: 1, my: 0, attack: false });
  await seen;
  const hit = next<{ id: string; hp: number }>(socket, 'player_attacked');
  engine.sendInput({ mx: 0, my: 0, attack: true });
  const { id, hp } = await hit;
  assert.is(id, socket.id);
  assert.is(hp, 90);
});

Classic('player_left when someone disconnects', async ({ h }) => {
  const watcher = await h.classic();
  const leaver = await h.classic();
  const left = next<{ id: string }>(watcher, 'player_left');
  const id = leaver.id;
  leaver.disconnect();
  assert.equal(await left, { id });
  await waitFor(() => h.server.match.sessions.bySocketId.size === 1);
});

Classic('a player who walks in its first tick is reported walking from where it was announced', async ({ h }) => {
  // The tick is driven by hand: the newcomer's join and first move both land before one tick, as
  // they do on a loaded server whose loop fell behind.
  await h.close();
  await h.start({ autoStart: false, record: false });
  const watcher = await h.classic();
  const announced = next<Moved>(watcher, 'new_player', (p) => p.id !== watcher.id);
  const walker = await h.classic();
  const start = (await announced).position;
  walker.emit('move', { x: start.x < 50 ? 90 : 10, y: start.y });
  const eid = h.eidOf(walker.id!);
  await waitFor(() => (h.server.match.world.inputs.get(eid)?.length ?? 0) > 0, 3000, 'the move queued on the server');
  const first = next<Moved>(watcher, 'player_moved', (p) => p.id === walker.id);
  h.server.match.tick();
  const step = Math.abs((await first).position.x - start.x);
  assert.ok(Math.abs(step - 25 / 30) < 1e-4, `first step ${step}, one tick's walk is ${25 / 30}`);
});

Classic.run();
