// A python-socketio client plays the classic JSON protocol (classic_players.py: two players walk,
// one attacks, one sends junk) over long-polling and over WebSocket: on the battle game's own
// server (what `npm start` runs) and through the gateway to a worker process with a real
// redis-server. The same script, the same expectations: the gateway is invisible to it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, type GameServer } from '../../net';
import { defaultRules, startGameServer } from '../../game';
import { sleep } from '../helpers';
import { findPython, reportPythonSkipped, runPython, type PythonRun } from './python';
import { haveRedis, reportRedisSkipped } from './redis-server';
import { startCluster, type TestCluster } from './worker-process';

const python = findPython();
const TRANSPORTS = ['polling', 'websocket'] as const;
// Where the script walks its two players (classic_players.py).
const SPOT_A = { x: 40, y: 50 };
const SPOT_B = { x: 45, y: 50 };

interface Position {
  x: number;
  y: number;
  hp: number;
}
type Line = { client?: string; event?: string; step?: string; data?: any; sid?: string; transport?: string };

/** Asserts on what the script's two clients saw (its output joins any failure's message). */
function assertPlayed(run: PythonRun, transport: string): void {
  try {
    assert.is(run.code, 0, 'the script finished');
    assertRules(run, transport);
  } catch (error) {
    (error as Error).message += `\n--- stdout\n${run.lines.map((l) => JSON.stringify(l)).join('\n')}\n--- stderr\n${run.stderr}`;
    throw error;
  }
}

/** They played one classic match by its rules. */
function assertRules(run: PythonRun, transport: string): void {
  const lines = run.lines as Line[];
  const connected = lines.filter((l) => l.step === 'connected');
  assert.equal(connected.map((l) => [l.client, l.transport]), [['a', transport], ['b', transport]], 'each on the transport asked for');
  const [a, b] = connected.map((l) => l.sid!) as [string, string];
  const events = (client: string, event: string) => lines.filter((l) => l.client === client && l.event === event).map((l) => l.data);

  // python-socketio's (sync) client runs each event's handler on a thread of its own, so the
  // script may print events out of the order they came in: nothing here rests on that order.

  // Joining: everyone already in the match, yourself included; then newcomers.
  const rosterB = (events('b', 'new_player') as { id: string; position: Position }[]).filter((p) => p.id === a || p.id === b);
  assert.equal(rosterB.map((p) => p.id).sort(), [a, b].sort(), 'b is told of a and of itself');
  assert.ok(events('a', 'new_player').some((p: { id: string }) => p.id === b), 'a is told b joined');
  for (const p of rosterB) {
    assert.is(p.position.hp, 100);
    assert.ok(p.position.x >= 0 && p.position.x <= 100 && p.position.y >= 0 && p.position.y <= 100, JSON.stringify(p));
  }

  // Moving: the server walks a straight to its target, reporting every tick's step, none longer
  // than the speed limit allows. (Straight: distance from the start orders the reports.)
  const start = (events('a', 'new_player') as { id: string; position: Position }[]).find((p) => p.id === a)!.position;
  const gone = (p: Position) => Math.hypot(p.x - start.x, p.y - start.y);
  const walk = (events('a', 'player_moved') as { id: string; position: Position }[])
    .filter((p) => p.id === a).map((p) => p.position).sort((p, q) => gone(p) - gone(q));
  const path = [start, ...walk];
  assert.ok(path.some((p) => p.x === SPOT_A.x && p.y === SPOT_A.y), `a walked to ${JSON.stringify(SPOT_A)}: ${JSON.stringify(path.slice(-3))}`);
  const maxStep = defaultRules.speed / 30 + 1e-4;
  for (let i = 1; i < path.length; i++) {
    const step = Math.hypot(path[i]!.x - path[i - 1]!.x, path[i]!.y - path[i - 1]!.y);
    assert.ok(step > 0 && step <= maxStep, `step ${i} of a's walk is ${step}, not in (0, ${maxStep}]`);
  }
  assert.ok((events('b', 'player_moved') as { id: string; position: Position }[]).some((p) => p.id === a && p.position.x === SPOT_A.x), 'b saw a arrive');

  // Attacking: b, 5 units from a, loses 10 hp, and both hear it.
  const arrived = lines.findIndex((l) => l.step === 'arrived');
  const hit = { id: b, hp: 90 };
  assert.equal(events('b', 'player_attacked')[0], hit, 'b was hit');
  assert.equal(events('a', 'player_attacked')[0], hit, 'a saw the hit');
  assert.ok(lines.findIndex((l) => l.event === 'player_attacked') > arrived, 'after both stood still');
  assert.ok((events('b', 'player_moved') as { id: string; position: Position }[]).some((p) => p.id === b && p.position.hp === 90), 'the hit shows in b\'s own position');

  // Junk: a clear error to its sender, and nothing else happens.
  const errors = events('a', 'error') as { code: string; event: string; message: string }[];
  assert.is(errors.length, 1);
  assert.is(errors[0]!.code, 'bad_input');
  assert.is(errors[0]!.event, 'move');
  assert.type(errors[0]!.message, 'string');
  assert.equal(events('b', 'error'), []);

  // Leaving.
  assert.ok(events('a', 'player_left').some((p: { id: string }) => p.id === b), 'a told b left');
  assert.ok(lines.some((l) => l.step === 'done'), 'the script played to the end');
}

const Embedded = suite<{ server: GameServer }>('python-socketio client on the game server (npm start)');
Embedded.before(async (ctx) => {
  if (python === undefined) return;
  ctx.server = await startGameServer({ port: 0, host: '127.0.0.1', logger: createLogger('silent') });
});
Embedded.after(async (ctx) => {
  await ctx.server?.close();
  await sleep(20);
});

for (const transport of TRANSPORTS) {
  Embedded(`plays the classic protocol over ${transport}`, async ({ server }) => {
    if (python === undefined) return reportPythonSkipped();
    assertPlayed(await runPython(python, 'classic_players.py', [server.url, transport]), transport);
  });
}

Embedded.run();

const Gateway = suite<{ cluster: TestCluster }>('python-socketio client through the gateway (real redis-server, a worker process)');
const skipCluster = python === undefined || !haveRedis();
Gateway.before(async (ctx) => {
  if (skipCluster) return;
  ctx.cluster = await startCluster(`pytest${process.pid}:`, ['127.0.0.2']);
});
Gateway.after(async (ctx) => {
  await ctx.cluster?.close();
});

for (const transport of TRANSPORTS) {
  Gateway(`plays the classic protocol over ${transport}, placed by the gateway on the worker`, async ({ cluster }) => {
    if (python === undefined) return reportPythonSkipped();
    if (!haveRedis()) return reportRedisSkipped();
    const run = await runPython(python, 'classic_players.py', [cluster.gateway.url, transport]);
    assertPlayed(run, transport);
    // The match they played in is the worker's, listed by the gateway like any other.
    const matches = (await (await fetch(`${cluster.gateway.url}/matches`)).json()) as { type: string; worker: string }[];
    assert.ok(matches.some((m) => m.type === 'classic' && m.worker === 'w1'), JSON.stringify(matches));
  });
}

Gateway.run();
