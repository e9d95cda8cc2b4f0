// `npm run bots` goes through matchmaking like a browser: `--type` lands its bots in a match of that
// type, `--match ID` in that very match, on the battle game's own server (what `npm start` runs)
// and through the gateway (real redis-server, a worker process). The bots run as the command
// does, in a child process; where they landed is read from GET /matches while they play.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, createLogger, type GameClient, type GameServer } from '../../net';
import { startGameServer } from '../../game';
import { parseBotArgs, runBots, type BotSummary } from '../../bench/bots';
import { sleep, waitFor } from '../helpers';
import { haveRedis, reportRedisSkipped } from '../cluster/redis-server';
import { startCluster, type TestCluster } from '../cluster/worker-process';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface MatchRow {
  id: string;
  type: string;
  players: number;
  worker: string;
}

/** A running bots command: `stop` interrupts it as Ctrl-C does, and it still prints its summary. */
interface BotsRun {
  stop(): void;
  /** Exit code and the JSON summary (the last stdout line), once it exits (killed after 300 s). */
  done: Promise<{ code: number | null; summary: BotSummary | undefined; stderr: string }>;
}

function bots(args: string[]): BotsRun {
  // A long run, stopped once the test has seen where the bots are: no race between a fixed
  // duration and a loaded machine.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bots/cli.ts', '--duration', '300', '--quiet', ...args], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => void (stdout += c));
  child.stderr.on('data', (c: Buffer) => void (stderr += c));
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const done = new Promise<{ code: number | null; summary: BotSummary | undefined; stderr: string }>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(killer);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let summary: BotSummary | undefined;
      try {
        summary = JSON.parse(last) as BotSummary;
      } catch {
        summary = undefined;
      }
      resolve({ code, summary, stderr });
    });
  });
  return { stop: () => child.kill('SIGINT'), done };
}

/** Polls GET /matches until `check` accepts the list (at most `ms`); returns that list. */
async function matchesWhen(url: string, check: (matches: MatchRow[]) => boolean, ms: number, what: string): Promise<MatchRow[]> {
  const deadline = Date.now() + ms;
  let matches: MatchRow[] = [];
  for (;;) {
    matches = (await (await fetch(`${url}/matches`)).json()) as MatchRow[];
    if (check(matches)) return matches;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(matches)}`);
    await sleep(200);
  }
}

/** Creates a match of `type` with POST /matchmake {create: true}; resolves with its id. */
async function createMatch(url: string, type: string): Promise<string> {
  const res = await fetch(`${url}/matchmake`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type, create: true }),
  });
  assert.is(res.status, 200);
  return ((await res.json()) as { matchId: string }).matchId;
}

/** Ends `run` and checks all `count` bots connected (a loaded machine may drop one: it comes back on a new seat). */
async function assertFinished(run: BotsRun, count: number): Promise<void> {
  run.stop();
  const { code, summary, stderr } = await run.done;
  assert.is(code, 0, stderr);
  assert.ok(summary, `a summary line\n${stderr}`);
  assert.is(summary.connected, count, stderr);
  assert.is(summary.failed, 0, stderr);
}

/**
 * Two classic matches: `decoy` holds a player, so a bot that ignored `--match` and asked for any
 * classic match would be put there (the fullest with room), never in the empty `target`.
 */
async function twoClassicMatches(url: string, clients: GameClient[]): Promise<{ decoy: string; target: string }> {
  const decoy = await createMatch(url, 'classic');
  const target = await createMatch(url, 'classic');
  const player = createClient({ url, matchId: decoy });
  clients.push(player);
  await waitFor(() => player.localEntity !== undefined, 60_000, 'a player in the decoy match');
  assert.is(player.matchId, decoy);
  return { decoy, target };
}

interface Ctx {
  runs: BotsRun[];
  clients: GameClient[];
}

const Embedded = suite<Ctx & { server: GameServer }>('npm run bots matchmakes on the game server (npm start)');
Embedded.before.each(async (ctx) => {
  ctx.runs = [];
  ctx.clients = [];
  ctx.server = await startGameServer({ port: 0, host: '127.0.0.1', logger: createLogger('silent') });
});
Embedded.after.each(async (ctx) => {
  for (const run of ctx.runs) run.stop();
  await Promise.all(ctx.runs.map((r) => r.done));
  for (const c of ctx.clients) c.close();
  await ctx.server.close();
  await sleep(50);
});

Embedded('--type arena puts every bot in an arena match, none in classic', async (ctx) => {
  const { url } = ctx.server;
  const run = bots(['--url', url, '--type', 'arena', '--count', '3']);
  ctx.runs.push(run);
  const matches = await matchesWhen(url, (ms) => ms.some((m) => m.type === 'arena' && m.players === 3), 90_000, '3 bots in an arena match');
  assert.equal(matches.filter((m) => m.players > 0).map((m) => [m.type, m.players]), [['arena', 3]]);
  await assertFinished(run, 3);
});

Embedded('--match ID puts every bot in that match, delta and classic protocol alike', async (ctx) => {
  const { url } = ctx.server;
  const { decoy, target } = await twoClassicMatches(url, ctx.clients);
  const delta = bots(['--url', url, '--match', target, '--count', '2']);
  const classic = bots(['--url', url, '--match', target, '--count', '2', '--protocol', 'classic', '--transport', 'polling']);
  ctx.runs.push(delta, classic);
  const matches = await matchesWhen(url, (ms) => ms.find((m) => m.id === target)?.players === 4, 90_000, '4 bots in the given match');
  assert.ok((matches.find((m) => m.id === decoy)?.players ?? 0) <= 1, 'no bot in the decoy');
  await assertFinished(delta, 2);
  await assertFinished(classic, 2);
});

Embedded('a classic bot that loses its connection takes a new seat in the same match', async (ctx) => {
  const { url, io } = ctx.server;
  const target = await createMatch(url, 'classic');
  const stop = new AbortController();
  const args = ['--url', url, '--match', target, '--count', '2', '--protocol', 'classic', '--duration', '300', '--quiet'];
  const running = runBots(parseBotArgs(args), { signal: stop.signal });
  try {
    const inTarget = (ms: MatchRow[]) => ms.find((m) => m.id === target)?.players === 2;
    await matchesWhen(url, inTarget, 90_000, '2 bots in the given match');
    const before = [...io.of('/').sockets.keys()];
    assert.is(before.length, 2);
    // Their transports close under them, as on a network drop: their seats are spent.
    for (const socket of io.of('/').sockets.values()) socket.conn.close();
    const back = (ms: MatchRow[]) => inTarget(ms) && [...io.of('/').sockets.keys()].filter((id) => !before.includes(id)).length === 2;
    await matchesWhen(url, back, 90_000, 'both bots back in the given match on new connections');
  } finally {
    stop.abort();
  }
  const summary = await running;
  assert.is(summary.connected, 2);
  assert.is(summary.dropped, 2);
  assert.is(summary.connectedAtEnd, 2);
});

Embedded.run();

const Gateway = suite<Ctx & { cluster: TestCluster }>('npm run bots matchmakes through the gateway (real redis-server, a worker process)');
const skip = !haveRedis();
Gateway.before(async (ctx) => {
  ctx.runs = [];
  ctx.clients = [];
  if (skip) return;
  ctx.cluster = await startCluster(`botstest${process.pid}:`, ['127.0.0.2']);
});
Gateway.after(async (ctx) => {
  for (const run of ctx.runs) run.stop();
  await Promise.all(ctx.runs.map((r) => r.done));
  for (const c of ctx.clients) c.close();
  await ctx.cluster?.close();
});

Gateway('--match ID puts every bot in that match on its worker, over WebSocket and long-polling', async (ctx) => {
  if (skip) return reportRedisSkipped();
  const { url } = ctx.cluster.gateway;
  const { decoy, target } = await twoClassicMatches(url, ctx.clients);
  const delta = bots(['--url', url, '--match', target, '--count', '2']);
  const classic = bots(['--url', url, '--match', target, '--count', '2', '--protocol', 'classic', '--transport', 'polling']);
  ctx.runs.push(delta, classic);
  // The registry learns of claims at once and of leaves by heartbeat: wait for the count to settle.
  const matches = await matchesWhen(url, (ms) => ms.find((m) => m.id === target)?.players === 4, 90_000, '4 bots in the given match');
  assert.is(matches.find((m) => m.id === target)!.worker, 'w1');
  assert.ok((matches.find((m) => m.id === decoy)?.players ?? 0) <= 1, 'no bot in the decoy');
  await assertFinished(delta, 2);
  await assertFinished(classic, 2);
});

Gateway.run();
