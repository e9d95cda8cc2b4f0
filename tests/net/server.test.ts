import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { entityOf, latestPosition, mirrorPositionAt } from '../../net';
import { getStore, Health, Position, hasComponent, Dead } from '../../engine';
import { Harness } from './harness';
import { reckoned, waitFor } from '../helpers';

const Server = suite<{ h: Harness }>('net server (delta protocol)');
Server.before.each(async (ctx) => {
  ctx.h = new Harness();
  await ctx.h.start();
});
Server.after.each(async (ctx) => {
  await ctx.h.close();
});

Server('two delta clients see each other move', async ({ h }) => {
  const a = await h.engine();
  const b = await h.engine();
  await waitFor(() => a.world.entities.size === 2 && b.world.entities.size === 2, 3000, 'both to see two players');
  h.place(a.welcome!.sid, 20, 50);
  const aInB = entityOf(b.world, a.welcome!.id)!;
  await waitFor(() => Math.abs(latestPosition(b.world, a.welcome!.id)!.x - 20) < 0.01, 3000, 'b to see a at x=20');
  a.sendInput({ mx: 1, my: 0, attack: false });
  // The server says nothing while a walks straight on: b dead-reckons it to the server's tick.
  const seen = { x: 0, y: 0 };
  await waitFor(() => {
    mirrorPositionAt(b.world, aInB, h.server.match.world.time.tick, seen);
    return seen.x > 25;
  }, 3000, 'b to see a walk right');
  assert.ok(aInB > 0);
  const serverX = getStore(h.server.match.world, Position).x[h.eidOf(a.welcome!.sid)]!;
  assert.ok(serverX > 25, `server x ${serverX}`);
  await waitFor(() => a.lastAckedSeq === a.lastSentSeq, 3000, 'input to be acknowledged');
});

Server('an attack lowers health, seen by both clients', async ({ h }) => {
  const a = await h.engine();
  const b = await h.engine();
  h.place(a.welcome!.sid, 50, 50);
  h.place(b.welcome!.sid, 55, 50);
  await waitFor(() => entityOf(a.world, b.welcome!.id) !== undefined && entityOf(b.world, a.welcome!.id) !== undefined);
  const hits: unknown[] = [];
  b.on('events', (events) => hits.push(...events.filter((e) => e.type === 'hit')));
  a.sendInput({ mx: 0, my: 0, attack: true });
  const victimInA = entityOf(a.world, b.welcome!.id)!;
  const victimInB = entityOf(b.world, b.welcome!.id)!;
  await waitFor(() => getStore(a.world, Health).hp[victimInA] === 90 && getStore(b.world, Health).hp[victimInB] === 90, 3000, 'hp 90 on both');
  await waitFor(() => hits.length === 1, 3000, 'hit event');
  assert.equal(hits[0], { type: 'hit', attacker: a.welcome!.id, victim: b.welcome!.id, hp: 90 });
  assert.is(getStore(a.world, Health).hp[a.localEntity!], 100, 'no self-hit');
});

Server('a kill is seen as death, then respawn with full health', async ({ h }) => {
  const a = await h.engine();
  const b = await h.engine();
  const world = h.server.match.world;
  const bEid = h.eidOf(b.welcome!.sid);
  h.place(a.welcome!.sid, 50, 50);
  h.place(b.welcome!.sid, 52, 50);
  getStore(world, Health).hp[bEid] = 10;
  a.sendInput({ mx: 0, my: 0, attack: true });
  const bInA = await waitFor(() => entityOf(a.world, b.welcome!.id));
  await waitFor(() => hasComponent(a.world, bInA, getStore(a.world, Dead)), 3000, 'a to see b dead');
  await waitFor(() => !hasComponent(a.world, bInA, getStore(a.world, Dead)), 5000, 'b to respawn');
  assert.is(getStore(a.world, Health).hp[bInA], 100);
});

Server('disconnect removes the player for everyone', async ({ h }) => {
  const a = await h.engine();
  const b = await h.engine();
  await waitFor(() => a.world.entities.size === 2);
  b.close();
  await waitFor(() => a.world.entities.size === 1, 3000, 'a to see b leave');
  await waitFor(() => h.server.match.sessions.bySocketId.size === 1);
  assert.is(h.server.match.world.inputs.size, 1);
});

Server('a polling-only client plays', async ({ h }) => {
  const a = await h.engine({ transports: ['polling'] });
  assert.is(a.socket.io.engine.transport.name, 'polling');
  const b = await h.engine();
  await waitFor(() => a.world.entities.size === 2, 3000, 'polling client sees both');
  h.place(a.welcome!.sid, 10, 10);
  a.sendInput({ mx: 0, my: 1, attack: false });
  await waitFor(() => (reckoned(b, a.welcome!.id, h.server.match.world.time.tick)?.y ?? 0) > 15, 3000, 'polling client moved');
  await waitFor(() => a.ping > 0, 3000, 'clock probe over polling');
});

Server('a client with another protocol version is refused with a clear error', async ({ h }) => {
  const { createClient } = await import('../../net');
  const client = createClient({ url: h.server.url, protocol: 999, socket: { reconnection: false } });
  const error = await new Promise<Error>((resolve) => client.on('error', (e) => resolve(e as Error)));
  client.close();
  assert.match(error.message, /protocol mismatch/);
  assert.is(h.server.match.sessions.bySocketId.size, 0);
});

Server.run();
