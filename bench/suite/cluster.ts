// The cluster scenario (`npm run bench -- --only-cluster`): a real redis-server, three worker
// processes and a gateway.
//
// Part 1, matchmaking: 1,000 players arrive at once; `concurrency` of them at a time (the
// keep-alive connections of a load balancer in front) POST /matchmake and connect on their seat
// the moment they have it, and stay connected. Every seat must be used: 0 overfilled matches, 0
// duplicate matches, 0 seats lost (made = used + expired + pending), with the p99 of the
// matchmaking round trip and the players seated per second. (Issuing all 1,000 seats first and
// connecting 100 at a time, as this scenario once did, let seats queue past their 15 s TTL on a
// loaded machine: it measured the bench's own queue, and most seats expired.)
//
// Part 2, 1,000 bots over fresh workers against the same on one process (`npm start`): the load
// bots (all but a probe pair) ramp in, and only once every one is connected does a probe pair join
// the arena match with room and measure input→observed for a fixed window; the load bots'
// connected count is sampled through it. The two sides compare only when both had every bot
// connected throughout (`comparable`). Reports figures; never fails for being slow.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import { createGateway, type Gateway } from '../../net/cluster/gateway';
import { createRedisRegistry, type RedisRegistry } from '../../net/cluster/redis-registry';
import { DEFAULT_HEARTBEAT_MS, type MatchInfo } from '../../net/cluster/registry';
import { parser, PROTOCOL_VERSION } from '../../net/wire';
import { spawnTracked, stopChild } from '../lib/children';
import { fetchText } from '../lib/http';
import { quantile } from '../lib/stats';
import type { BotSummary } from '../bots/summary';
import { startBotsProcess } from './bots-process';
import { ROOT } from './paths';

/** What part 1 measured. */
export interface MatchmakeResults {
  /** Players arriving at once, and how many of them matchmake and connect at a time. */
  players: number;
  concurrency: number;
  /** POST /matchmake answered 200 / otherwise. */
  ok: number;
  refused: number;
  /** Players connected on their seat, and why the others were refused (connect error code → count). */
  connected: number;
  refusals: Record<string, number>;
  /** Connected players no longer connected at the end, and why (Socket.IO's disconnect reason → count). */
  dropped: number;
  dropReasons: Record<string, number>;
  /** Matches holding more players than their capacity (registry, and clients connected at the end): must be 0. */
  overfilled: number;
  /** The overfilled matches, for a look: registry players and reservations, clients connected. */
  overfilledMatches: { id: string; players: number; reserved: number; capacity: number; clients: number }[];
  /** Matches players landed in beyond the fewest that hold them all (ceil(players / 16)), plus ids listed twice: must be 0. */
  duplicateMatches: number;
  /** Reservations made, used and expired in the burst; lost = made − used − expired − still pending: must be 0. */
  seatsMade: number;
  seatsUsed: number;
  seatsExpired: number;
  seatsLost: number;
  /** POST /matchmake round trip, ms. */
  matchmakeP50Ms: number;
  matchmakeP99Ms: number;
  /** Seat in hand → connected, ms. */
  connectP99Ms: number;
  /** Players seated (connected on their seat) per second, first arrival to last connect. */
  placedPerSec: number;
  /** 1-minute load average of the machine before and after the burst. */
  loadAvg: [number, number];
}

/** One side of part 2. */
export interface BotsSide {
  /** Bots that only load the server (arena, --ramp), and their count connected when the probe window opened, at its fewest, and at its end. */
  loadBots: number;
  connectedAtStart: number;
  connectedMin: number;
  connectedAtEnd: number;
  /** Bots connected all through the window: the load bots at their fewest plus the probe pair still connected. */
  connected: number;
  /** Seconds from the first bot started to every load bot connected for `STEADY_S` (or to giving up). */
  admitS: number;
  /** Probe windows run: one more each time a load bot dropped during the window (at most `WINDOW_TRIES`). */
  windows: number;
  /** Cluster side: reservations made, used and expired over the side (bots re-matchmake when a seat expires before they connect). */
  seats?: { made: number; used: number; expired: number };
  /** The probe pair's summary (its `observedMs` is the figure) and the load bots' own. */
  probe: BotSummary | undefined;
  load: BotSummary | undefined;
  /** 1-minute load average of the machine when the window opened and when it closed. */
  loadAvg: [number, number];
}

/** What the cluster scenario measured. */
export interface ClusterResults {
  workers: number;
  matchmake: MatchmakeResults;
  bots: {
    players: number;
    windowS: number;
    cluster: BotsSide | undefined;
    single: BotsSide | undefined;
    /** True when both sides had all `players` connected through their window: only then do their figures compare. */
    comparable: boolean;
  };
}

/** Options of the scenario. */
export interface ClusterBenchOptions {
  /** Players of part 1 and bots of part 2. Default 1000. */
  players?: number;
  /** Players of part 1 matchmaking and connecting at a time. Default 64. */
  concurrency?: number;
  /** Seconds the probe pair measures in part 2. Default 30. */
  windowS?: number;
  /** Run part 2 (the bots) too. Default true. */
  bots?: boolean;
}

const CLASSIC_CAPACITY = 16;
const TYPES = { classic: { capacity: CLASSIC_CAPACITY }, arena: { capacity: 500 } };
/** Load bots opened per second (at 200/s one bots process's matchmaking clients stall; 50/s does not). */
const RAMP_PER_SEC = 50;
/**
 * Longest wait past the ramp for every load bot to be in. No stall rule: on a starved machine the
 * bots drop and come back for a minute or more before they settle (measured: 998/998 after ~90 s).
 */
const ADMIT_S = 150;
/**
 * Every load bot connected for this long before a window opens: the moment all are in, full
 * arena state starts flowing to everyone, and a gateway relaying it on a starved machine falls
 * behind the workers' 4 s ping timeout for a while (measured: ~220 ping timeouts, all resumed
 * within 30 s). The figures are of the steady state, not of that storm.
 */
const STEADY_S = 10;
/** Windows tried per side when bots drop during one, each after at most this long for all to be back. */
const WINDOW_TRIES = 3;
const RETRY_ADMIT_S = 60;
/** Time the probe pair gets to connect before its window. */
const PROBE_CONNECT_S = 10;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round1 = (v: number): number => Math.round(v * 10) / 10;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startWorker(redisUrl: string, prefix: string, id: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnTracked(process.execPath, ['--import', 'tsx', 'game/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, HOST: '127.0.0.1', PORT: '0', WORKER_ID: id, PUBLIC_URL: '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker ${id} did not start`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
  });
}

/** Part 1: `n` players, `concurrency` at a time, each POST /matchmake and then connect on its seat. */
async function matchmakeBurst(gateway: Gateway, registry: RedisRegistry, n: number, concurrency: number, sockets: Socket[], log: (line: string) => void): Promise<MatchmakeResults> {
  const before = await registry.stats();
  const load0 = loadavg()[0]!;
  // Keep-alive connections, as a load balancer in front of the gateway would hold: 1,000 fresh
  // TCP connects at once overflow the listen backlog and measure SYN retries instead.
  const agent = new HttpAgent({ keepAlive: true, maxSockets: concurrency });
  type Answer = { status: number; body: { matchId?: string; seat?: string; path?: string; error?: string } };
  const post = (retried = false): Promise<Answer> => new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}/matchmake`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => void (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] });
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server closed an idle keep-alive socket as the request went out on it: the request
      // never arrived, so sending it again is safe (what Node's http documentation advises).
      if (req.reusedSocket && error.code === 'ECONNRESET' && !retried) post(true).then(resolve, reject);
      else reject(error);
    });
    req.end('{"type":"classic"}');
  });
  const matchmakeMs: number[] = [];
  const connectMs: number[] = [];
  const seated: { socket: Socket; matchId: string }[] = [];
  const refusals: Record<string, number> = {};
  const refuse = (why: string): void => void (refusals[why] = (refusals[why] ?? 0) + 1);
  const dropReasons: Record<string, number> = {};
  let ok = 0;
  let connected = 0;
  let lastConnect = 0;
  const onePlayer = async (): Promise<void> => {
    const t0 = performance.now();
    let seat: { matchId: string; seat: string; path: string };
    try {
      const r = await post();
      matchmakeMs.push(performance.now() - t0);
      if (r.status !== 200 || r.body.seat === undefined) return refuse(`matchmake ${r.status} ${r.body.error ?? ''}`.trim());
      seat = r.body as typeof seat;
    } catch (error) {
      return refuse(`matchmake ${(error as Error).message}`);
    }
    ok++;
    const t1 = performance.now();
    await new Promise<void>((resolve) => {
      const s = connect(gateway.url, {
        // The game's own parser, as its client uses: Socket.IO's default cannot read a state message.
        path: seat.path, transports: ['websocket'], reconnection: false, forceNew: true, parser,
        auth: { skirmish: PROTOCOL_VERSION, seat: seat.seat, matchId: seat.matchId },
      });
      sockets.push(s);
      const timer = setTimeout(() => {
        refuse('connect timeout (30 s)');
        resolve();
      }, 30_000);
      s.once('connect', () => {
        clearTimeout(timer);
        connected++;
        lastConnect = performance.now();
        connectMs.push(lastConnect - t1);
        seated.push({ socket: s, matchId: seat.matchId });
        s.once('disconnect', (reason) => void (dropReasons[reason] = (dropReasons[reason] ?? 0) + 1));
        resolve();
      });
      s.once('connect_error', (e: Error & { data?: { code?: string } }) => {
        clearTimeout(timer);
        refuse(e.data?.code ?? e.message);
        resolve();
      });
    });
  };
  const burst0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      next++;
      await onePlayer();
    }
  }));
  agent.destroy();
  const load1 = loadavg()[0]!;
  log(`bench: cluster, ${ok} seats, ${connected} connected in ${((lastConnect - burst0) / 1000).toFixed(1)} s${Object.keys(refusals).length ? `, refusals ${JSON.stringify(refusals)}` : ''}`);
  // The registry's counts are the workers' own once every worker beat after the burst settled (a
  // beat that raced a claim counts that player twice until the next one).
  const settledAt = Date.now();
  for (let i = 0; i < 100; i++) {
    const beats = await registry.workers().catch(() => []);
    if (beats.length > 0 && beats.every((w) => Date.now() - w.heartbeatAgeMs > settledAt + 100)) break;
    await sleep(DEFAULT_HEARTBEAT_MS / 4);
  }
  const matches = (await registry.matches()).filter((m: MatchInfo) => m.type === 'classic');
  const stats = await registry.stats();
  const pending = matches.reduce((s, m) => s + (m.reserved ?? 0), 0);
  const made = stats.made - before.made;
  const used = stats.used - before.used;
  const expired = stats.expired - before.expired;
  const ids = new Set(matches.map((m) => m.id));
  // Places are what counts, at one moment: a player dropped early gave its place back.
  const byMatch = new Map<string, number>();
  for (const { socket, matchId } of seated) if (socket.connected) byMatch.set(matchId, (byMatch.get(matchId) ?? 0) + 1);
  const landedIn = new Set(seated.map((p) => p.matchId));
  const overfilledMatches = matches
    .filter((m) => m.players > m.capacity || (byMatch.get(m.id) ?? 0) > m.capacity)
    .map((m) => ({ id: m.id, players: m.players, reserved: m.reserved ?? 0, capacity: m.capacity, clients: byMatch.get(m.id) ?? 0 }));
  const sortedMatchmake = [...matchmakeMs].sort((a, b) => a - b);
  return {
    players: n, concurrency, ok, refused: n - ok, connected, refusals, dropped: seated.filter((p) => !p.socket.connected).length, dropReasons,
    overfilled: overfilledMatches.length + [...byMatch.keys()].filter((id) => !ids.has(id) && byMatch.get(id)! > CLASSIC_CAPACITY).length,
    overfilledMatches,
    duplicateMatches: Math.max(0, landedIn.size - Math.ceil(connected / CLASSIC_CAPACITY)) + (matches.length - ids.size),
    seatsMade: made, seatsUsed: used, seatsExpired: expired, seatsLost: made - used - expired - pending,
    matchmakeP50Ms: round1(quantile(sortedMatchmake, 0.5)),
    matchmakeP99Ms: round1(quantile(sortedMatchmake, 0.99)),
    connectP99Ms: round1(quantile([...connectMs].sort((a, b) => a - b), 0.99)),
    placedPerSec: Math.round(connected / ((lastConnect - burst0) / 1000)),
    loadAvg: [round1(load0), round1(load1)],
  };
}

/** Part 2, one side: load bots until all are in, then the probe pair's window. */
async function botsSide(url: string, n: number, windowS: number, log: (line: string) => void, registry?: RedisRegistry): Promise<BotsSide> {
  const before = await registry?.stats().catch(() => undefined);
  const loadBots = n - 2;
  const rampS = loadBots / RAMP_PER_SEC;
  const load = startBotsProcess([
    '--url', url, '--count', String(loadBots), '--type', 'arena', '--ramp', String(RAMP_PER_SEC),
    // A cap only: stopped once the probe window is measured.
    '--duration', String(Math.ceil(rampS + ADMIT_S + PROBE_CONNECT_S + windowS + 60)),
  ]);
  const started = performance.now();
  /** Waits until every load bot has been connected for STEADY_S; false at the deadline. */
  const steady = async (deadline: number): Promise<boolean> => {
    let allSince: number | undefined;
    while (!load.exited && performance.now() < deadline) {
      if (load.connected() < loadBots) allSince = undefined;
      else if (performance.now() - (allSince ??= performance.now()) >= STEADY_S * 1000) return true;
      await sleep(500);
    }
    return false;
  };
  const admitted = await steady(started + (rampS + ADMIT_S) * 1000);
  const admitS = round1((performance.now() - started) / 1000);
  log(`bench:   ${load.connected()}/${loadBots} load bots in${admitted ? ` for ${STEADY_S} s` : ''} after ${admitS} s; probe pair for ${windowS} s`);
  if (!admitted) log(`bench:   the load bots said last: ${load.output().trim().split('\n').at(-1) ?? ''}`);
  let windows = 0;
  let connectedAtStart = 0;
  let connectedMin = 0;
  let connectedAtEnd = 0;
  let load0 = 0;
  let load1 = 0;
  let probeSummary: BotSummary | undefined;
  for (;;) {
    windows++;
    // The probe pair goes into the arena match with room, so that it plays among the load.
    const arenas = (JSON.parse(await fetchText(`${url}/matches`).catch(() => '[]')) as MatchInfo[])
      .filter((m) => m.type === 'arena' && m.capacity - m.players - (m.reserved ?? 0) >= 2)
      .sort((a, b) => b.players - a.players);
    const probe = startBotsProcess([
      '--url', url, '--count', '2', '--probe', '--type', 'arena', ...(arenas[0] ? ['--match', arenas[0].id] : []),
      '--duration', String(PROBE_CONNECT_S + windowS), '--quiet',
    ]);
    connectedAtStart = load.connected();
    load0 = loadavg()[0]!;
    connectedMin = connectedAtStart;
    while (!probe.exited) {
      connectedMin = Math.min(connectedMin, load.connected());
      await sleep(500);
    }
    connectedAtEnd = load.connected();
    connectedMin = Math.min(connectedMin, connectedAtEnd);
    load1 = loadavg()[0]!;
    probeSummary = await probe.stop();
    if (connectedMin >= loadBots || windows >= WINDOW_TRIES) break;
    log(`bench:   load bots dropped to ${connectedMin} during window ${windows}: again once all are back`);
    if (!(await steady(performance.now() + RETRY_ADMIT_S * 1000))) break;
  }
  const loadSummary = await load.stop();
  const after = await registry?.stats().catch(() => undefined);
  return {
    loadBots, connectedAtStart, connectedMin, connectedAtEnd,
    connected: connectedMin + (probeSummary?.connectedAtEnd ?? 0),
    admitS, windows, probe: probeSummary, load: loadSummary, loadAvg: [round1(load0), round1(load1)],
    ...(before && after ? { seats: { made: after.made - before.made, used: after.used - before.used, expired: after.expired - before.expired } } : {}),
  };
}

/** Runs the cluster scenario; `log` gets progress lines. Needs redis-server on PATH. */
export async function benchCluster(log: (line: string) => void, options: ClusterBenchOptions = {}): Promise<ClusterResults | undefined> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    log('bench: SKIPPED cluster scenario: redis-server not found');
    return undefined;
  }
  const n = options.players ?? 1000;
  const concurrency = options.concurrency ?? 64;
  const windowS = options.windowS ?? 30;
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const prefix = `bench${process.pid}:`;
  const silent = pino({ level: 'silent' });
  // Every match records, as by default; into a folder of this run rather than the repository's.
  const recordDir = mkdtempSync(join(tmpdir(), 'skirmish-bench-cluster-'));
  const env = { RECORD_DIR: recordDir };
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  const registry = createRedisRegistry({ url: redisUrl, prefix, logger: silent });
  let gateway: Gateway | undefined;
  const startWorkers = async (ids: string[]): Promise<void> => {
    const started = await Promise.all(ids.map((id) => startWorker(redisUrl, prefix, id, env)));
    children.push(...started.map((w) => w.child));
    for (let i = 0; i < 100 && (await registry.workers()).length < ids.length; i++) await sleep(100);
  };
  const stopWorkers = async (): Promise<void> => {
    for (const c of children) await stopChild(c, 'SIGTERM');
    children.length = 0;
  };
  try {
    await registry.ready(5000);
    log('bench: cluster, starting 3 workers');
    await startWorkers(['c1', 'c2', 'c3']);
    gateway = await createGateway({ registry, host: '127.0.0.1', port: 0, logger: silent, types: TYPES });

    log(`bench: cluster, ${n} players matchmake and connect, ${concurrency} at a time`);
    const matchmake = await matchmakeBurst(gateway, registry, n, concurrency, sockets, log);
    log(`bench: cluster matchmaking ${JSON.stringify(matchmake)}`);
    for (const s of sockets) s.disconnect();
    sockets.length = 0;
    if (options.bots === false) return { workers: 3, matchmake, bots: { players: n, windowS, cluster: undefined, single: undefined, comparable: false } };

    // Fresh workers and gateway for part 2, as the one-process side gets a fresh server.
    await gateway.close();
    gateway = undefined;
    await stopWorkers();
    await startWorkers(['c1', 'c2', 'c3']);
    gateway = await createGateway({ registry, host: '127.0.0.1', port: 0, logger: silent, types: TYPES });
    log(`bench: cluster, ${n} bots through the gateway`);
    const cluster = await botsSide(gateway.url, n, windowS, log, registry);
    await gateway.close();
    gateway = undefined;
    await stopWorkers();

    log(`bench: one process (npm start), ${n} bots`);
    const port = await freePort();
    const single = spawnTracked(process.execPath, ['--import', 'tsx', 'game/main.ts'], {
      cwd: ROOT, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(single);
    for (let i = 0; i < 300; i++) {
      if (await fetch(`http://127.0.0.1:${port}/matches`).then(() => true, () => false)) break;
      await sleep(100);
    }
    const one = await botsSide(`http://127.0.0.1:${port}`, n, windowS, log);
    const comparable = cluster.connected === n && one.connected === n;
    log(`bench: bots connected through the window: cluster ${cluster.connected}/${n}, one process ${one.connected}/${n}${comparable ? '' : ' — NOT comparable'}`);
    return { workers: 3, matchmake, bots: { players: n, windowS, cluster, single: one, comparable } };
  } finally {
    for (const s of sockets) s.disconnect();
    await gateway?.close().catch(() => undefined);
    for (const c of children) await stopChild(c, 'SIGKILL').catch(() => undefined);
    await registry.close().catch(() => undefined);
    redis.kill('SIGKILL');
    rmSync(recordDir, { recursive: true, force: true });
  }
}

/** The cluster figures as a Markdown table (what the README quotes). */
export function clusterTable(results: ClusterResults): string {
  const m = results.matchmake;
  const side = (s: BotsSide | undefined): string => {
    if (s === undefined) return 'n/a';
    const o = s.probe?.observedMs;
    const figure = o ? `${o.p99} ms (p50 ${o.p50}, n ${o.n})` : 'no sample';
    return `${figure}; ${s.connected}/${results.bots.players} bots connected through the window (load bots ${s.connectedAtStart} → min ${s.connectedMin}; window ${s.windows}), load ${s.loadAvg.join(' → ')}`;
  };
  return `| cluster figure | value |
| --- | --- |
| players / seats / connected on their seat | ${m.players} / ${m.ok} / ${m.connected} (${m.concurrency} at a time, ${m.dropped} dropped later)${Object.keys(m.refusals).length ? `, refused ${JSON.stringify(m.refusals)}` : ''} |
| overfilled matches | ${m.overfilled} |
| duplicate matches | ${m.duplicateMatches} |
| seats made / used / expired / lost | ${m.seatsMade} / ${m.seatsUsed} / ${m.seatsExpired} / ${m.seatsLost} |
| matchmaking round trip p50 / p99 | ${m.matchmakeP50Ms} / ${m.matchmakeP99Ms} ms (seat → connected p99 ${m.connectP99Ms} ms) |
| players placed (seated) per second | ${m.placedPerSec} (load ${m.loadAvg.join(' → ')}) |
| input→observed p99, ${results.bots.players} bots over ${results.workers} workers | ${side(results.bots.cluster)} |
| input→observed p99, ${results.bots.players} bots on one process | ${side(results.bots.single)} |
| comparable (every bot connected on both sides) | ${results.bots.comparable ? 'yes' : 'no'} |`;
}
