// Recording in the real server: on by default, off by option, match type or RECORD=0; retention;
// GET /replays; names; disposal and shutdown closing files; abuse that never reaches a recording.
// (recording-bots.test.ts records and checks a whole 2-minute match of bots.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as connect, type Socket } from 'socket.io-client';
import { verifyReplay } from '../../engine/replay';
import { parseReplay } from '../../engine/replay/parse';
import { createClient, createLogger, createServer, encodeInput, roundTimer, type GameClient, type GameServer, type MatchType } from '../../net';
import { sleep, waitFor, within } from '../helpers';
import { rules } from '../rules';
import { recordedCommands } from './replay-inputs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const silent = createLogger('silent');
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

interface Ctx {
  dir: string;
  server?: GameServer;
  clients: GameClient[];
  sockets: Socket[];
}
const Server = suite<Ctx>('recording: server');
Server.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'skirmish-recording-server-'));
  ctx.server = undefined;
  ctx.clients = [];
  ctx.sockets = [];
});
Server.after.each(async (ctx) => {
  for (const c of ctx.clients) c.close();
  for (const s of ctx.sockets) s.disconnect();
  await ctx.server?.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

const quiet = { port: 0, host: '127.0.0.1', logger: silent, seed: 3 } as const;

async function engineClient(ctx: Ctx, options: Partial<Parameters<typeof createClient>[0]> = {}): Promise<GameClient> {
  const client = createClient({ url: ctx.server!.url, ...options });
  ctx.clients.push(client);
  await waitFor(() => client.localEntity !== undefined, 5000, 'delta client joined');
  return client;
}

async function classicClient(ctx: Ctx): Promise<Socket> {
  const socket = connect(ctx.server!.url, { transports: ['websocket'], reconnection: false });
  ctx.sockets.push(socket);
  await within(5000, new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }), 'classic client connected');
  return socket;
}

/** GET `path` as raw as given (no URL normalisation): status, headers, body. */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return within(5000, new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  }), `${method} ${path}`);
}

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.skr')).sort() : []);

Server('on by default: the default match records into its file while it plays', async (ctx) => {
  const previous = process.env.RECORD_DIR;
  process.env.RECORD_DIR = ctx.dir;
  try {
    ctx.server = await createServer({ rules, ...quiet });
  } finally {
    process.env.RECORD_DIR = previous;
  }
  await engineClient(ctx);
  await sleep(100);
  assert.equal(files(ctx.dir), [`${ctx.server.matchId}.skr`]);
  // Streamed, not held until the end: the header and first checkpoint are on disk at once.
  const live = parseReplay(read(join(ctx.dir, `${ctx.server.matchId}.skr`)));
  assert.is(live.ended, false);
  assert.is(live.header.matchId, ctx.server.matchId);
});

Server('an empty match records nothing; one that empties closes its file, and the next player starts the next', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, graceMs: 0, record: { dir: ctx.dir } });
  const matchId = ctx.server.matchId;
  await waitFor(() => ctx.server!.match.world.time.tick >= 30, 5000, 'a second of empty ticks');
  assert.equal(files(ctx.dir), [], 'nobody in: no file');
  const alice = await engineClient(ctx, { name: 'Alice' });
  alice.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => files(ctx.dir).length === 1, 5000, 'a file once a player is in');
  await sleep(300);
  alice.close();
  await within(5000, (async () => {
    while (!(await ctx.server!.recordings!.list()).some((e) => e.id === matchId && !e.live)) await sleep(50);
  })(), 'the file finished once the match emptied');
  const first = read(join(ctx.dir, `${matchId}.skr`));
  const firstSummary = verifyReplay(first);
  assert.is(firstSummary.ok, true, JSON.stringify(firstSummary));
  assert.is(firstSummary.players, 1);
  assert.ok(parseReplay(first).meta.some((m) => m.data.type === 'name' && m.data.name === 'Alice'), 'the name of a player who was in before the recording began');
  // The match ticks on empty: nothing grows while nobody plays.
  const ticks = ctx.server.match.world.time.tick;
  await waitFor(() => ctx.server!.match.world.time.tick >= ticks + 30, 5000, 'empty ticks');
  assert.equal(files(ctx.dir), [`${matchId}.skr`]);
  await engineClient(ctx, { name: 'Bob' });
  await waitFor(() => files(ctx.dir).length === 2, 5000, 'a second file for the next stretch of play');
  await ctx.server.close();
  ctx.server = undefined;
  const second = read(join(ctx.dir, `${matchId}-1.skr`));
  const parsed = parseReplay(second);
  assert.ok(parsed.header.startTick > ticks, `the second file starts mid-match, at tick ${parsed.header.startTick}`);
  const summary = verifyReplay(second);
  assert.is(summary.ok, true, JSON.stringify(summary));
});

Server('record.segmentS: a long match goes on in a new file; every file verifies on its own', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, record: { dir: ctx.dir, segmentS: 1 } });
  const client = await engineClient(ctx);
  client.sendInput({ mx: 1, my: 0, attack: true });
  await waitFor(() => files(ctx.dir).length >= 3, 10_000, 'three one-second files');
  await ctx.server.close();
  ctx.server = undefined;
  // <id>.skr, <id>-1.skr, <id>-2.skr…: in the order they were started.
  const all = files(ctx.dir).sort((a, b) => a.length - b.length || a.localeCompare(b));
  let previousEnd = -1;
  for (const name of all.slice(0, 3)) {
    const bytes = read(join(ctx.dir, name));
    const summary = verifyReplay(bytes);
    assert.is(summary.ok, true, `${name}: ${JSON.stringify(summary)}`);
    const { header } = parseReplay(bytes);
    assert.ok(header.startTick >= previousEnd, `${name} starts at tick ${header.startTick}, after the previous one`);
    previousEnd = header.startTick + summary.ticks;
  }
});

Server('/metrics counts the time ticks spent recording, a small part of the tick time', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, record: { dir: ctx.dir } });
  const client = await engineClient(ctx);
  client.sendInput({ mx: 1, my: 0, attack: true });
  const joinedAt = ctx.server.match.world.time.tick;
  await waitFor(() => ctx.server!.match.world.time.tick >= joinedAt + 60, 10_000, 'two seconds of play');
  // The match ticks on while /metrics is served: its figure lies between the counter's before and after.
  const beforeS = ctx.server.match.stats.recordingMs / 1000;
  const text = (await get(ctx.server.url, '/metrics')).body.toString();
  const afterS = ctx.server.match.stats.recordingMs / 1000;
  const value = (name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const recordingS = value('skirmish_recording_seconds_total');
  const tickS = value('skirmish_tick_seconds_sum');
  assert.ok(recordingS > 0, `recording ${recordingS} s`);
  assert.ok(recordingS < tickS, `recording ${recordingS} s within ticks of ${tickS} s`);
  assert.ok(beforeS <= recordingS && recordingS <= afterS, `metrics ${recordingS} s, the match's counter ${beforeS}…${afterS} s`);
});

Server('record: false and RECORD=0 write nothing; /replays is then an empty list', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, record: false });
  await engineClient(ctx);
  await sleep(100);
  assert.is(ctx.server.recordings, undefined);
  assert.equal(JSON.parse((await get(ctx.server.url, '/replays')).body.toString()), []);
  await ctx.server.close();
  const previous = { RECORD: process.env.RECORD, RECORD_DIR: process.env.RECORD_DIR };
  process.env.RECORD = '0';
  process.env.RECORD_DIR = ctx.dir;
  try {
    ctx.server = await createServer({ rules, ...quiet });
  } finally {
    Object.assign(process.env, previous);
    if (previous.RECORD === undefined) delete process.env.RECORD;
  }
  ctx.clients.push(createClient({ url: ctx.server.url }));
  await waitFor(() => ctx.clients.at(-1)!.localEntity !== undefined, 5000, 'joined');
  await sleep(100);
  assert.equal(files(ctx.dir), []);
  assert.is(ctx.server.recordings, undefined);
});

Server('a match type with record: false is not recorded; the others are', async (ctx) => {
  const quietType: MatchType = { name: 'private', rules, capacity: 4, record: false };
  ctx.server = await createServer({ ...quiet, types: [{ name: 'classic', rules, capacity: 4 }, quietType], record: { dir: ctx.dir } });
  await engineClient(ctx, { type: 'private' });
  await engineClient(ctx);
  await sleep(100);
  assert.equal(files(ctx.dir), [`${ctx.server.matchId}.skr`], 'only the classic default match');
});

Server('a disposed match closes its file: it ends with the end marker and verifies, names included', async (ctx) => {
  const short: MatchType = { name: 'short', rules, capacity: 4, end: roundTimer(1.5) };
  ctx.server = await createServer({ ...quiet, types: [{ name: 'classic', rules, capacity: 4 }, short], record: { dir: ctx.dir } });
  const alice = await engineClient(ctx, { type: 'short', name: 'Alice' });
  const matchId = alice.matchId!;
  const bob = await classicClient(ctx);
  bob.emit('set_name', { name: 'Bob' });
  alice.sendInput({ mx: 1, my: 0, attack: true });
  alice.setName('Alicia');
  await waitFor(() => !ctx.server!.matches.has(matchId), 10_000, 'the short match ended');
  await ctx.server.recordings!.settled();
  const bytes = read(join(ctx.dir, `${matchId}.skr`));
  const summary = verifyReplay(bytes);
  assert.is(summary.ok, true, JSON.stringify(summary));
  // From the first tick Alice was in to the round's end at 1.5 s.
  assert.ok(summary.durationS >= 1.2 && summary.durationS <= 1.5, `durationS ${summary.durationS}`);
  const parsed = parseReplay(bytes);
  assert.is(parsed.ended, true);
  const names = parsed.meta.filter((m) => m.data.type === 'name').map((m) => m.data.name);
  assert.ok(names.includes('Alice'), JSON.stringify(names));
  assert.ok(names.includes('Alicia'), `rename recorded: ${JSON.stringify(names)}`);
  const list = await ctx.server.recordings!.list();
  const entry = list.find((e) => e.id === matchId);
  assert.ok(entry);
  assert.is(entry.live, false);
  assert.is(entry.type, 'short');
  assert.is(entry.ticks, summary.ticks);
  // Bob played in the default match; his name is in that (still live) recording.
  await sleep(1200);
  const live = parseReplay(read(join(ctx.dir, `${ctx.server.matchId}.skr`)));
  assert.ok(live.meta.some((m) => m.data.type === 'name' && m.data.name === 'Bob'), 'rename recorded');
});

Server('record.hashEveryTicks: only every nth tick (and checkpoints) is hashed, and the file still verifies', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, record: { dir: ctx.dir, hashEveryTicks: 10 } });
  const client = await engineClient(ctx);
  client.sendInput({ mx: 1, my: 0, attack: true });
  const joinedAt = ctx.server.match.world.time.tick;
  await waitFor(() => ctx.server!.match.world.time.tick >= joinedAt + 50, 10_000, '50 ticks');
  await ctx.server.close();
  ctx.server = undefined;
  const bytes = read(join(ctx.dir, files(ctx.dir)[0]!));
  const steps = parseReplay(bytes).steps;
  const hashed = steps.filter((s) => s.hash !== undefined).length;
  assert.ok(steps.length >= 45);
  assert.ok(hashed <= Math.ceil(steps.length / 10) + 1, `${hashed} of ${steps.length} ticks hashed`);
  const summary = verifyReplay(bytes);
  assert.is(summary.ok, true, JSON.stringify(summary));
  assert.is(summary.hashedTicks, hashed);
});

Server('a folder that cannot be made: the match plays on unrecorded and /replays still answers', async (ctx) => {
  const blocker = join(ctx.dir, 'a-file');
  writeFileSync(blocker, 'in the way');
  ctx.server = await createServer({ rules, ...quiet, record: { dir: join(blocker, 'recordings') } });
  const client = await engineClient(ctx);
  client.sendInput({ mx: 1, my: 0, attack: false });
  await waitFor(() => ctx.server!.match.world.time.tick >= 10, 5000, 'ticks');
  const list = await get(ctx.server.url, '/replays');
  assert.is(list.status, 200);
  assert.equal(JSON.parse(list.body.toString()), []);
});

Server('retention at the server: a new recording deletes the oldest beyond the limit, never a live one', async (ctx) => {
  for (const [i, ageS] of [[0, 300], [1, 200], [2, 100]] as const) {
    const path = join(ctx.dir, `mold${i}.skr`);
    writeFileSync(path, new Uint8Array(100));
    const t = new Date(Date.now() - ageS * 1000);
    utimesSync(path, t, t);
  }
  ctx.server = await createServer({ rules, ...quiet, record: { dir: ctx.dir, maxFiles: 2 } });
  await engineClient(ctx);
  await sleep(100);
  await ctx.server.recordings!.settled();
  assert.equal(files(ctx.dir), [`${ctx.server.matchId}.skr`, 'mold2.skr'].sort());
});

Server('GET /replays lists live and finished recordings newest first; /replays/<id> serves them', async (ctx) => {
  const short: MatchType = { name: 'short', rules, capacity: 4, end: roundTimer(1) };
  ctx.server = await createServer({ ...quiet, types: [{ name: 'classic', rules, capacity: 4 }, short], record: { dir: ctx.dir } });
  const client = await engineClient(ctx, { type: 'short' });
  const ended = client.matchId!;
  await engineClient(ctx); // in the default match, which then records too
  await waitFor(() => !ctx.server!.matches.has(ended), 10_000, 'short match ended');
  await ctx.server.recordings!.settled();
  const list = JSON.parse((await get(ctx.server.url, '/replays')).body.toString()) as { id: string; type: string; live: boolean; bytes: number; startedAt: number; ticks?: number }[];
  // The client matchmakes again when its match ends, so a newer short match may be live too.
  const pick = (id: string) => list.find((e) => e.id === id);
  assert.equal([pick(ended)?.type, pick(ended)?.live], ['short', false]);
  assert.equal([pick(ctx.server.matchId)?.type, pick(ctx.server.matchId)?.live], ['classic', true]);
  assert.ok(pick(ended)!.ticks! >= 20, `${pick(ended)!.ticks} ticks of a one-second round`);
  assert.ok(pick(ended)!.bytes > 0);
  assert.equal(list.map((e) => e.startedAt), list.map((e) => e.startedAt).sort((a, b) => b - a), 'newest first');

  const finished = await get(ctx.server.url, `/replays/${ended}`);
  assert.is(finished.status, 200);
  assert.is(finished.headers['content-type'], 'application/octet-stream');
  assert.is(Number(finished.headers['content-length']), finished.body.length);
  assert.equal(new Uint8Array(finished.body), read(join(ctx.dir, `${ended}.skr`)));
  assert.is(verifyReplay(new Uint8Array(finished.body)).ok, true);
  const etag = finished.headers.etag as string;
  assert.ok(etag);
  assert.is((await get(ctx.server.url, `/replays/${ended}`, { 'if-none-match': etag })).status, 304);
  const head = await get(ctx.server.url, `/replays/${ended}`, {}, 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.body.length, 0);

  const live = await get(ctx.server.url, `/replays/${ctx.server.matchId}`);
  assert.is(live.status, 200);
  assert.is(live.headers['cache-control'], 'no-store');
  assert.is(live.headers.etag, undefined);
  // As far as written: a valid prefix, with the header and the first checkpoint.
  const prefix = parseReplay(new Uint8Array(live.body));
  assert.is(prefix.ended, false);
  assert.is(prefix.header.matchId, ctx.server.matchId);
});

Server('bad ids are a 404 with a JSON error, never a file outside the folder or a crash', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, record: { dir: join(ctx.dir, 'rec') } });
  await engineClient(ctx);
  writeFileSync(join(ctx.dir, 'secret.skr'), 'not yours');
  for (const path of [
    '/replays/nope', '/replays/../secret', '/replays/..%2Fsecret', '/replays/%2e%2e%2fsecret', '/replays/a/b', '/replays/x.skr',
    `/replays/${'a'.repeat(200)}`, '/replays/%ZZ', '/replays/..', '/replays/%00',
  ]) {
    const res = await get(ctx.server.url, path);
    assert.is(res.status, 404, path);
    const body = JSON.parse(res.body.toString()) as { error: string; message: string };
    assert.is(body.error, 'not_found', path);
    assert.match(body.message, /no such recording/);
  }
  assert.is((await get(ctx.server.url, `/replays/${ctx.server.matchId}`, {}, 'POST')).status, 405);
  assert.is((await get(ctx.server.url, `/replays/${ctx.server.matchId}`)).status, 200, 'still serving');
});

Server('abuse never reaches the recording: exactly the valid inputs are recorded, and the match verifies', async (ctx) => {
  ctx.server = await createServer({ rules, ...quiet, record: { dir: ctx.dir } });
  const honest = await engineClient(ctx);
  const abuser = await classicClient(ctx);
  const flooder = await classicClient(ctx);
  const sid = abuser.id!;
  const eid = [...ctx.server.match.sessions.byToken.values()].find((s) => s.publicId === sid)!.eid;
  const valid: { x: number; y: number }[] = [];
  const junk: unknown[][] = [
    ['move', { x: '1', y: 2 }], ['move', { x: 2e6, y: 1 }], ['move', { x: 1, y: 2, z: 3 }], ['move', null], ['move', [1, 2]],
    ['attack', { hard: true }], ['i', new Uint8Array(3).fill(0xff)], ['i', encodeInput({ seq: 1, mx: 1, my: 0, attack: false }).subarray(1)], ['nonsense', 1],
  ];
  for (let i = 0; i < 12; i++) {
    const target = { x: 10 + i * 1.25, y: 90 - i * 0.5 };
    valid.push(target);
    abuser.emit('move', target);
    for (const [event, ...args] of junk) abuser.emit(event as string, ...args);
    // One valid move per tick or more apart, so each is consumed on its own (none replaced in a queue).
    await sleep(80);
  }
  // A flood beyond the rate limit: dropped at the edge, then the connection is kicked.
  const kicked = new Promise<void>((r) => flooder.once('disconnect', () => r()));
  for (let i = 0; i < 1500; i++) flooder.emit('move', { x: i % 100, y: 50 });
  await within(5000, kicked, 'flooder kicked');
  honest.sendInput({ mx: 0, my: 1, attack: false });
  await sleep(300);
  await ctx.server.close();
  ctx.server = undefined;
  const bytes = read(join(ctx.dir, files(ctx.dir)[0]!));
  const summary = verifyReplay(bytes);
  assert.is(summary.ok, true, JSON.stringify(summary));
  const mine = recordedCommands(bytes).filter((c) => c.eid === eid);
  // The abuser's entity id is not reused before it leaves, so these are its commands alone.
  assert.equal(mine.map((c) => c.target), valid);
  const flooded = recordedCommands(bytes).filter((c) => c.target !== undefined && c.eid !== eid);
  // At most the input burst (120) and what refilled while the flood lasted were queued; the flooder
  // is usually kicked (and its queue dropped) before a tick consumed any of it, and then none is recorded.
  assert.ok(flooded.length <= 160, `the flood was cut: ${flooded.length} recorded`);
});

Server('npm start on SIGTERM closes its recording: the file ends with the end marker and verifies', async (ctx) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'game/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECORD_DIR: ctx.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const listening = await waitFor(() => lines.map((l) => JSON.parse(l) as { msg?: string; port?: number }).find((l) => l.msg === 'skirmish server listening'), 15_000, 'server to listen');
    const client = createClient({ url: `http://127.0.0.1:${listening.port}` });
    ctx.clients.push(client);
    await waitFor(() => client.localEntity !== undefined, 5000, 'client joined');
    client.sendInput({ mx: 1, my: 1, attack: true });
    await sleep(300);
    child.kill('SIGTERM');
    assert.is(await within(8000, exited, 'server exit'), 0);
  } finally {
    child.kill('SIGKILL');
  }
  const [file] = files(ctx.dir);
  assert.ok(file, 'a recording');
  const bytes = read(join(ctx.dir, file));
  assert.is(parseReplay(bytes).ended, true);
  assert.is(verifyReplay(bytes).ok, true);
});

Server.run();
