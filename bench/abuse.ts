// Abuse bench: does a flood slow honest players down? Measures an honest player's input→observed
// latency on a quiet server and while flooders hammer it, in one run against one server.
//
//   node --import tsx bench/abuse.ts [--bots 20] [--probes 4] [--flooders 8] [--seconds 15] [--nice 10] [--seed 1]
//
// The server runs in a child process as `npm run bench` starts it, the flooders in another (this
// file with --flood); the wandering bots and the probe pairs (a probe turns at known times, its
// observer times when it sees the turn) run here, the very bots of `npm run bots`. The flood child
// runs at a lower CPU priority (--nice; 0 to compete evenly): on one machine an attacker's own CPU
// use would otherwise slow the server down for reasons a remote attacker could not, and that is
// not what is measured.
import type { ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { createRng, type Rng } from '../engine';
import { encodeInput, parser, PROTOCOL_VERSION } from '../net';
import type { BotOptions } from './bots/options';
import { startSwarm, type Swarm } from './bots/swarm';
import { spawnTracked, stopChild } from './lib/children';
import { metricValue } from './lib/prom';
import { mergeSamples, quantile } from './lib/stats';
import { fmt, fmtRatio, markdownTable, ratio } from './lib/table';
import { ROOT } from './suite/paths';
import { startServerProcess } from './suite/server-process';
import { keepTail } from './suite/tail';
import { readServer, windowFigures, type Reading, type WindowFigures } from './suite/window';
import { HELD_RESEND_MS } from '../game/controls';

const { values: args } = parseArgs({
  options: {
    bots: { type: 'string', default: '20' },
    probes: { type: 'string', default: '4' },
    flooders: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '15' },
    nice: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    flood: { type: 'string' },
  },
});
const num = (name: keyof typeof args): number => Number(args[name]);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Flood mode (child): connections that send junk and valid-looking messages as fast as their
// sockets drain, and come back whenever they are kicked.

const JUNK_NAMES = ['move', 'attack', 'i', 't', 'position', 'set_hp', 'error', 's', 'x'.repeat(60), '__proto__'];
const junkValue = (rng: Rng): unknown => {
  switch (rng.int(7)) {
    case 0: return { x: 'NaN', y: 1e308, hp: 100 };
    case 1: return 'x'.repeat(rng.int(2000));
    case 2: return [[[[[[[[{ x: [1, 2, 3] }]]]]]]]];
    case 3: return Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
    case 4: return rng.range(-1e9, 1e9);
    case 5: return null;
    default: return { x: rng.range(0, 100), y: rng.range(0, 100), extra: true };
  }
};

/** Runs `connections` flooders until SIGTERM; prints `flooding` once connected, and what they did as one JSON line at the end. */
async function flood(url: string, connections: number, seed: number): Promise<void> {
  const totals = { sent: 0, connects: 0, kicks: 0, closes: 0 };
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    process.stdout.write(JSON.stringify(totals) + '\n', () => process.exit(0));
  });
  const one = async (k: number): Promise<void> => {
    const rng = createRng(seed * 100 + k);
    const engine = k % 2 === 1;
    while (!stopping) {
      const socket: Socket = io(url, {
        transports: ['websocket'], reconnection: false, forceNew: true,
        ...(engine ? { parser, auth: { skirmish: PROTOCOL_VERSION } } : {}),
      });
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      if (!ok) {
        socket.close();
        await sleep(50);
        continue;
      }
      if (totals.connects++ === 0) process.stdout.write('flooding\n');
      socket.on('error', (e: { code?: string }) => {
        if (e?.code === 'kicked') totals.kicks++;
      });
      while (socket.connected && !stopping) {
        if (socket.io.engine.writeBuffer.length < 500) {
          for (let i = 0; i < 100; i++) {
            const r = rng.next();
            if (engine && r < 0.5) socket.emit('i', encodeInput({ seq: rng.int(2 ** 32), mx: rng.range(-1, 1), my: rng.range(-1, 1), attack: r < 0.1 }));
            else if (r < 0.6) socket.emit('move', { x: rng.range(0, 100), y: rng.range(0, 15) });
            else if (r < 0.65) socket.emit('t', rng.range(0, 1e12), () => undefined);
            else socket.emit(JUNK_NAMES[rng.int(JUNK_NAMES.length)]!, junkValue(rng), ...(r < 0.7 ? [junkValue(rng)] : []));
            totals.sent++;
          }
        }
        await new Promise((r) => setImmediate(r));
      }
      totals.closes++;
      socket.close();
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, k) => one(k)));
}

// ---------------------------------------------------------------------------------------------
// Bench mode: the same server process, bots, probe pairs, window readings and quantiles as
// `npm run bench`, in three phases.

/** /metrics gets this long to answer at a phase's ends; the /proc fallback covers a slower server. */
const SCRAPE_MS = 3000;

/** What one phase measured. */
interface PhaseRow {
  phase: string;
  /** Probe turns the observers saw, and their input→observed latencies (ms, ascending). */
  observed: Float64Array;
  /** Turns not seen because the probe died first / not seen within 10 s (counted as 10 s). */
  lost: number;
  expired: number;
  window: WindowFigures;
  msgsPerSec: number;
  rejectedPerSec: number;
  /** This process's own event-loop delay p99: part of every latency measured here. */
  lagMs: number;
}

/** Per second of the window: how much counter `name` grew, or NaN when /metrics did not answer. */
function rate(a: Reading, b: Reading, name: string, seconds: number): number {
  if (a.samples === undefined || b.samples === undefined) return Number.NaN;
  return ((metricValue(b.samples, name) ?? Number.NaN) - (metricValue(a.samples, name) ?? Number.NaN)) / seconds;
}

async function bench(): Promise<void> {
  const seconds = num('seconds');
  const seed = num('seed');
  const server = await startServerProcess('engine', {});
  const pid = server.child.pid;
  const options: BotOptions = {
    url: server.url, count: num('bots'), duration: Infinity, inputHz: 20, resendHeldMs: HELD_RESEND_MS, behavior: 'wander', transport: 'websocket',
    protocol: 'delta', probe: false, probePairs: 0, workers: 0, rampPerSec: 200, mapSize: 100, seed, progress: false,
  };
  // Wandering bots in one swarm; each probe pair (a probe and its observer) in a swarm of its own.
  const swarms: Swarm[] = [startSwarm({ options, count: options.count, probe: 0, seed, rampPerSec: options.rampPerSec })];
  for (let k = 0; k < num('probes'); k++) {
    swarms.push(startSwarm({ options: { ...options, probe: true, probePairs: 1 }, count: 0, probe: 1, seed: seed + 1000 * (k + 1), rampPerSec: options.rampPerSec }));
  }
  let flooder: ChildProcess | undefined;
  try {
    const everyone = options.count + 2 * num('probes');
    const deadline = performance.now() + 10_000;
    while (swarms.reduce((n, s) => n + s.tally.connectedNow, 0) < everyone) {
      if (performance.now() > deadline) throw new Error(`abuse: not every client connected within 10 s:\n${server.output()}`);
      await sleep(50);
    }
    await sleep(2000);

    const rows: PhaseRow[] = [];
    const lag = monitorEventLoopDelay({ resolution: 5 });
    const measure = async (phase: string, ms: number): Promise<void> => {
      for (const s of swarms) s.tally.mark();
      lag.reset();
      lag.enable();
      const a = await readServer(server.url, pid, SCRAPE_MS);
      await sleep(ms);
      const b = await readServer(server.url, pid, SCRAPE_MS);
      lag.disable();
      for (const s of swarms) s.settle();
      const tallies = swarms.map((s) => s.tally.data());
      const window = windowFigures(a, b, 'skirmish_', SCRAPE_MS);
      rows.push({
        phase,
        observed: Float64Array.from(mergeSamples(tallies.map((t) => t.observed)).values).sort(),
        lost: tallies.reduce((n, t) => n + t.lostTurns, 0),
        expired: tallies.reduce((n, t) => n + t.expiredTurns, 0),
        window,
        msgsPerSec: rate(a, b, 'skirmish_messages_received_total', window.seconds),
        rejectedPerSec: rate(a, b, 'skirmish_inputs_rejected_total', window.seconds),
        lagMs: lag.percentile(99) / 1e6,
      });
    };

    await measure('quiet', seconds * 1000);
    // The flood: a child process, lower priority, reporting what it did when told to stop.
    const flooders = num('flooders');
    flooder = spawnTracked(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--flood', server.url, '--flooders', String(flooders), '--seed', String(seed)], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (num('nice') !== 0) setPriority(flooder.pid!, num('nice'));
    const report = keepTail(flooder.stdout);
    // On a busy machine the child can take seconds to load: measuring before it floods would
    // report a quiet server as a flooded one.
    const floodDeadline = performance.now() + 30_000;
    while (!report().includes('flooding')) {
      if (performance.now() > floodDeadline || flooder.exitCode !== null) throw new Error('abuse: the flood child did not start flooding within 30 s');
      await sleep(50);
    }
    await sleep(3000); // the flooders reach their pace
    await measure(`flood (${flooders} connections)`, seconds * 1000);
    await stopChild(flooder, 'SIGTERM');
    await sleep(2000); // the server sheds the flood; the flooders' last words reach us
    const totals = JSON.parse(report().trim().split('\n').pop() || '{}') as { sent?: number; connects?: number; kicks?: number };
    await measure('after', (seconds * 1000) / 2);

    const f = (v: number | null): string => fmt(v, 1);
    const table = markdownTable(
      ['phase', 'timed', 'lost', 'expired', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'server CPU %', 'msgs in /s', 'refused /s', 'tick p99 ms', 'bench loop lag p99 ms'],
      rows.map((r) => [
        r.phase, String(r.observed.length), String(r.lost), String(r.expired),
        f(quantile(r.observed, 0.5)), f(quantile(r.observed, 0.9)), f(quantile(r.observed, 0.99)), f(r.observed.at(-1) ?? null),
        fmt(r.window.cpuPct, 0) + (r.window.cpuSource === 'proc' ? '†' : ''), fmt(r.msgsPerSec, 0), fmt(r.rejectedPerSec, 0), fmt(r.window.tickP99Ms, 2), f(r.lagMs),
      ]),
    );
    const [quiet, flooded] = rows;
    const change = (q: number): string => fmtRatio(ratio(quantile(flooded!.observed, q), quantile(quiet!.observed, q)));
    console.log(`\n## Abuse bench: ${options.count} wandering bots, ${num('probes')} probe pairs, ${seconds} s per phase, flood child at nice ${num('nice')}\n`);
    console.log(table);
    console.log('\nLatency: a probe turns, its observer sees it (as in `npm run bench`); a turn not seen within 10 s counts as 10 s (expired). † CPU from /proc: /metrics did not answer.');
    console.log(`Flood: ${totals.sent ?? '?'} messages sent over ${totals.connects ?? '?'} connections (${totals.kicks ?? '?'} kicked for abuse) in ${seconds + 3} s.`);
    console.log(`Flood / quiet latency: p50 ${change(0.5)}, p99 ${change(0.99)}.`);
  } finally {
    for (const s of swarms) s.stop();
    if (flooder !== undefined) await stopChild(flooder, 'SIGKILL');
    // Graceful stop: the server tells its clients and exits.
    await server.stop(6000);
  }
}

if (args.flood !== undefined) await flood(args.flood, num('flooders'), num('seed'));
else await bench();
