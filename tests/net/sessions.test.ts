import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as connect } from 'socket.io-client';
import { entityOf, latestPosition } from '../../net';
import { getStore, hasComponent, Health, Offline, Position, Score } from '../../engine';
import { Harness, next } from './harness';
import { sleep, waitFor, within } from '../helpers';

const Sessions = suite<{ h: Harness }>('sessions');
Sessions.before.each(async (ctx) => {
  ctx.h = new Harness();
});
Sessions.after.each(async (ctx) => {
  await ctx.h.close();
});

/** Closes the transport under a live client, as a lost Wi-Fi would. */
function cut(h: Harness, socketId: string): void {
  h.server.io.sockets.sockets.get(socketId)!.conn.close();
}

Sessions('a dropped client comes back to its own player: same entity, position, health, score', async ({ h }) => {
  await h.start({ graceMs: 5000 });
  const a = await h.engine();
  const b = await h.engine();
  const world = h.server.match.world;
  const eid = h.eidOf(a.welcome!.sid);
  h.place(a.welcome!.sid, 33, 44);
  getStore(world, Health).hp[eid] = 70;
  getStore(world, Score).kills[eid] = 2;
  const aInB = await waitFor(() => entityOf(b.world, a.welcome!.id));
  await waitFor(() => Math.abs(latestPosition(b.world, a.welcome!.id)!.x - 33) < 0.01);
  const firstSocket = a.socket.id!;
  cut(h, firstSocket);
  // Meanwhile the others see it as disconnected, not gone.
  await waitFor(() => hasComponent(b.world, aInB, getStore(b.world, Offline)), 3000, 'b sees a offline');
  assert.is(entityOf(b.world, a.welcome!.id), aInB);
  await waitFor(() => a.status === 'connected' && a.socket.id !== firstSocket && a.welcome?.resumed, 5000, 'a resumes');
  assert.is(h.eidOf(a.welcome!.sid), eid, 'same entity');
  assert.is(h.server.match.sessions.byToken.size, 2);
  assert.is(getStore(world, Health).hp[eid], 70);
  assert.is(getStore(world, Score).kills[eid], 2);
  assert.ok(Math.abs(getStore(world, Position).x[eid]! - 33) < 0.01);
  await waitFor(() => a.localEntity !== undefined && getStore(a.world, Health).hp[a.localEntity] === 70, 3000, 'a sees its hp');
  await waitFor(() => !hasComponent(b.world, aInB, getStore(b.world, Offline)), 3000, 'b sees a online again');
  // And it plays on.
  a.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => getStore(world, Position).x[eid]! > 35, 3000, 'moves after resuming');
  assert.is(h.server.match.stats.resumed, 1);
});

Sessions('after the grace window the player is removed (player_left)', async ({ h }) => {
  await h.start({ graceMs: 300 });
  const a = await h.engine({ socket: { reconnection: false } });
  const watcher = await h.classic();
  const sid = a.welcome!.sid;
  const left = next<{ id: string }>(watcher, 'player_left', () => true, 3000);
  cut(h, a.socket.id!);
  await sleep(100);
  assert.is(h.server.match.sessions.byToken.size, 2, 'kept during the window');
  assert.equal(await left, { id: sid });
  assert.is(h.server.match.sessions.byToken.size, 1);
  assert.is(h.server.match.world.sync.byNetId.size, 1);
});

Sessions('a token cannot take over a connected player, and an unknown token gets a new one', async ({ h }) => {
  await h.start();
  const a = await h.engine();
  const thief = await h.engine({ token: a.token });
  assert.is.not(thief.welcome!.id, a.welcome!.id);
  assert.is(thief.welcome!.resumed, false);
  const stranger = await h.engine({ token: 'made-up-token' });
  assert.is(stranger.welcome!.resumed, false);
  assert.is(h.server.match.sessions.byToken.size, 3);
});

Sessions('leaving on purpose removes the player at once', async ({ h }) => {
  await h.start({ graceMs: 10_000 });
  const a = await h.engine();
  const b = await h.engine();
  a.close();
  await waitFor(() => b.world.entities.size === 1, 3000, 'b sees a leave');
  assert.is(h.server.match.sessions.byToken.size, 1);
});

Sessions('heartbeat: a client that silently vanishes is detected within pingIntervalMs + pingTimeoutMs', async ({ h }) => {
  await h.start({ pingIntervalMs: 200, pingTimeoutMs: 200, graceMs: 0 });
  const socket = connect(h.server.url, { transports: ['websocket'], reconnection: false });
  await within(3000, new Promise((r) => socket.once('connect', () => r(undefined))));
  assert.is(h.server.match.sessions.byToken.size, 1);
  // Stop reading from the TCP socket: no pong will ever come back, and no FIN is sent either.
  const tcp = (socket.io.engine.transport as unknown as { ws: { _socket: import('node:net').Socket } }).ws._socket;
  tcp.pause();
  const started = Date.now();
  await waitFor(() => h.server.match.sessions.byToken.size === 0, 3000, 'vanished client dropped');
  const took = Date.now() - started;
  assert.ok(took < 1500, `took ${took} ms`);
  tcp.destroy();
  socket.disconnect();
});

Sessions('heartbeat defaults detect a vanished player within 10 s', async ({ h }) => {
  const server = await h.start();
  const opts = (server.io.engine as unknown as { opts: { pingInterval: number; pingTimeout: number } }).opts;
  assert.ok(opts.pingInterval + opts.pingTimeout <= 10_000, `${opts.pingInterval} + ${opts.pingTimeout}`);
});

Sessions.run();
