// Player names over real sockets: offered at handshake, cleaned by the server, known to every
// delta client of the match (in view or not), renamed with set_name, kept across a resume,
// forgotten when the player leaves; a bad name never reaches anyone.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cleanName, checkName, guestName } from '../../net';
import { Harness, next } from './harness';
import { waitFor } from '../helpers';

const Names = suite<{ h: Harness }>('names');
Names.before.each((ctx) => {
  ctx.h = new Harness();
});
Names.after.each(async (ctx) => {
  await ctx.h.close();
});

Names('cleaning: invisible and control characters go, whitespace folds, 1 to 16 characters', () => {
  assert.is(cleanName('  Al\u202Eice\u200B  '), 'Alice');
  assert.is(cleanName('a\tb\n\nc'), 'a b c');
  assert.is(checkName('x'.repeat(16)), 'x'.repeat(16));
  assert.is(checkName('x'.repeat(17)), undefined);
  assert.is(checkName('\u0000\u200B '), undefined);
  assert.is(checkName(42), undefined);
  assert.match(guestName(7), /^guest-[0-9a-f]{4}$/);
  assert.is.not(guestName(7), guestName(8));
});

Names('delta clients know each other by the names they offered, and the welcome says their own', async ({ h }) => {
  await h.start();
  const alice = await h.engine({ name: '  Alice\u202E ' });
  const bob = await h.engine({ name: 'Bob' });
  assert.is(alice.welcome!.name, 'Alice');
  await waitFor(() => alice.names.get(bob.welcome!.id) === 'Bob', 3000, 'alice learns bob');
  assert.is(bob.names.get(alice.welcome!.id), 'Alice', 'bob got alice in his roster');
  assert.is(bob.names.get(bob.welcome!.id), 'Bob', 'the roster includes oneself');
});

Names('a missing or bad name plays as a guest; a bad set_name is refused and changes nothing', async ({ h }) => {
  await h.start();
  const anon = await h.engine({ name: '\u200B\u200B' });
  assert.match(anon.welcome!.name, /^guest-[0-9a-f]{4}$/);
  const other = await h.engine({ name: 'Other' });
  await waitFor(() => other.names.get(anon.welcome!.id) === anon.welcome!.name);
  const refused = next(anon.socket, 'error');
  anon.socket.emit('set_name', { name: 'x'.repeat(40) });
  const error = (await refused) as { code: string; event: string };
  assert.equal([error.code, error.event], ['bad_input', 'set_name']);
  assert.is(other.names.get(anon.welcome!.id), anon.welcome!.name);
});

Names('a classic client is a guest until it sends set_name; everyone then sees the new name', async ({ h }) => {
  await h.start();
  const watcher = await h.engine({ name: 'Watcher' });
  const classic = await h.classic();
  const netId = await waitFor(() => [...watcher.names].find(([, n]) => n.startsWith('guest-'))?.[0], 3000, 'classic guest named');
  classic.emit('set_name', { name: 'Py Bot' });
  await waitFor(() => watcher.names.get(netId!) === 'Py Bot', 3000, 'rename seen');
  classic.disconnect();
  await waitFor(() => !watcher.names.has(netId!), 3000, 'name forgotten when the player leaves');
});

Names('a delta client renames itself; a resumed player keeps its name', async ({ h }) => {
  await h.start({ graceMs: 5000 });
  const a = await h.engine({ name: 'First' });
  const b = await h.engine({ name: 'Seer' });
  a.setName('Second');
  await waitFor(() => b.names.get(a.welcome!.id) === 'Second', 3000, 'rename seen');
  const firstSocket = a.socket.id!;
  h.server.io.sockets.sockets.get(firstSocket)!.conn.close();
  await waitFor(() => a.welcome?.resumed === true && a.socket.id !== firstSocket, 5000, 'a resumes');
  assert.is(a.welcome!.name, 'Second');
  assert.is(b.names.get(a.welcome!.id), 'Second');
});

Names('clock probes bring back the server tick cost for the net graph', async ({ h }) => {
  await h.start();
  const a = await h.engine({ name: 'Graph' });
  const times = await waitFor(() => a.serverTickTimes, 5000, 'tick times');
  assert.ok(times!.simulateMs >= 0 && times!.simulateMs < 1000, `simulate ${times!.simulateMs}`);
  assert.ok(times!.sendMs >= 0 && times!.sendMs < 1000, `send ${times!.sendMs}`);
});

Names('names of a tick go out in one message, in order: a burst of joins is not a write per join to everyone', async ({ h }) => {
  const server = await h.start({ autoStart: false });
  const ticker = setInterval(() => server.match.tick(), 1000 / 30);
  try {
    const watcher = await h.engine({ name: 'Watcher' });
    clearInterval(ticker);
    server.match.tick(); // whatever the watcher's own join left pending
    const heard: unknown[][] = [];
    watcher.socket.on('n', (entries: unknown[][]) => heard.push(entries));
    const joiners = [await h.classic(), await h.classic(), await h.classic()];
    await waitFor(() => server.match.sessions.byToken.size === 4, 3000, 'three joins');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(heard, [], 'nothing before the tick');
    const leaver = [...server.match.sessions.byToken.values()].find((s) => s.kind === 'classic')!;
    server.match.sessions.remove(leaver);
    server.match.tick();
    await waitFor(() => heard.length > 0, 3000, 'names after the tick');
    await new Promise((r) => setTimeout(r, 100));
    assert.is(heard.length, 1, 'one message for the whole tick');
    const entries = heard[0] as [number, string | null][];
    assert.is(entries.length, 4);
    assert.ok(entries.slice(0, 3).every(([, name]) => typeof name === 'string' && name.startsWith('guest-')), 'three guests');
    assert.equal(entries[3], [leaver.netId, null], 'then the leave, last');
    await waitFor(() => watcher.names.size === 3, 3000, 'the watcher applied them in order');
    assert.not.ok(watcher.names.has(leaver.netId));
    assert.is(joiners.length, 3);
  } finally {
    clearInterval(ticker);
  }
});

Names.run();
