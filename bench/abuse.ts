// Abuse bench: does a flood slow honest players down? Measures an honest player's input→observed
// latency (a probe turns around; an observer sees its position trend turn in its mirror world) on
// a quiet server and while flooders hammer it, in one run against one server.
//
//   node --import tsx bench/abuse.ts [--bots 20] [--probes 4] [--flooders 8] [--seconds 15] [--nice 10] [--seed 1]
//
// The game server (game/main.ts) runs in a child process, the flooders in another (this file with
// --flood), the bots, probes and observer here. The flood child runs at a lower CPU priority
// (--nice; 0 to compete evenly): on one machine an attacker's own CPU use would otherwise slow the
// server down for reasons a remote attacker could not, and that is not what is measured.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { createRng, getStore, Health, type Rng } from '../engine';
import { createClient, encodeInput, entityOf, latestPosition, mirrorPositionAt, PROTOCOL_VERSION, type GameClient } from '../net';
import { parser } from '../net';

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
const root = fileURLToPath(new URL('..', import.meta.url));

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

/** Runs `connections` flooders until SIGTERM, then prints what they did as one JSON line. */
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
      totals.connects++;
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
// Bench mode.

/** Starts the game server; resolves with its URL once it listens. */
async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'game/main.ts'], {
    cwd: root, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume(); // warn-level JSON logs (kicks): read and dropped
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /open http:\/\/localhost:(\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${text}`)));
    setTimeout(() => reject(new Error('server did not start within 30 s')), 30_000).unref();
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** CPU seconds a process has used (Linux /proc), or NaN. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** A few counters from the server's /metrics. */
async function scrape(url: string): Promise<{ received: number; rejected: number; tickSum: number; tickCount: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    received: value('skirmish_messages_received_total'), rejected: value('skirmish_inputs_rejected_total'),
    tickSum: value('skirmish_tick_seconds_sum'), tickCount: value('skirmish_tick_seconds_count'),
  };
}

async function connected(client: GameClient): Promise<GameClient> {
  const deadline = Date.now() + 10_000;
  while (client.localEntity === undefined) {
    if (Date.now() > deadline) throw new Error('client did not get its player within 10 s');
    await sleep(20);
  }
  return client;
}

/** Wandering bots: 20 inputs a second each, a new random direction now and then, no attacks. */
function wander(bots: GameClient[], rng: Rng): () => void {
  const dirs = bots.map(() => ({ mx: 0, my: 0 }));
  const timer = setInterval(() => {
    bots.forEach((b, i) => {
      if (rng.next() < 0.05) dirs[i] = { mx: rng.range(-1, 1), my: rng.range(-1, 1) };
      b.sendInput({ ...dirs[i]!, attack: false });
    });
  }, 50);
  return () => clearInterval(timer);
}

/**
 * Probes walk left and right, turning every 150–350 ms (sending 20 inputs a second, like a
 * player); the observer times each turn from the input that asked for it to the first state after
 * which its mirror shows the probe's x trend reversed. A turn not seen within 2 s is counted lost.
 */
class Probes {
  readonly samples = new Map<string, number[]>();
  readonly lost = new Map<string, number>();
  /** Turns cut short because the probe was killed, or timed across a respawn jump. */
  readonly deaths = new Map<string, number>();
  readonly discarded = new Map<string, number>();
  readonly started = new Map<string, number>();
  phase = 'warmup';
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly probes: GameClient[], private readonly observer: GameClient, private readonly rng: Rng) {}

  start(): void {
    for (const probe of this.probes) this.walk(probe);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  private count(counter: Map<string, number>): void {
    counter.set(this.phase, (counter.get(this.phase) ?? 0) + 1);
  }

  private record(list: Map<string, number[]>, ms: number): void {
    const key = this.phase;
    list.set(key, [...(list.get(key) ?? []), ms]);
  }

  private walk(probe: GameClient): void {
    const id = probe.welcome!.id;
    let dir = 1;
    let turnAt = 0;
    let pending: { dir: number; at: number } | undefined;
    const now = { x: 0, y: 0 };
    const before = { x: 0, y: 0 };
    this.observer.on('state', () => {
      // The trend over the latest tick the observer knows, from its mirror's position history:
      // the server sends a state only when something changed, so two successive states may be
      // ticks apart, and their positions alone would blur a turn into the ticks before it.
      const world = this.observer.world;
      const eid = entityOf(world, id);
      if (eid === undefined || pending === undefined) return;
      mirrorPositionAt(world, eid, world.lastTick, now);
      mirrorPositionAt(world, eid, world.lastTick - 1, before);
      const dx = now.x - before.x;
      if (!Number.isFinite(dx) || dx === 0) return;
      if (Math.abs(dx) > 5) {
        pending = undefined; // a respawn jump, not a walk: this turn cannot be timed
        this.count(this.discarded);
        return;
      }
      if (Math.sign(dx) === pending.dir) {
        this.record(this.samples, performance.now() - pending.at);
        pending = undefined;
      }
    });
    const timer = setInterval(() => {
      const now = performance.now();
      const me = probe.localEntity;
      if (me === undefined || getStore(probe.world, Health).hp[me]! <= 0) {
        // Killed (flooders' players may attack too): no turn can be seen until it respawns.
        if (pending !== undefined) this.count(this.deaths);
        pending = undefined;
        return;
      }
      if (now >= turnAt) {
        if (pending !== undefined && now - pending.at > 2000) {
          this.count(this.lost);
          pending = undefined;
        }
        if (pending === undefined) {
          // Turn around; near an edge, only toward the middle (walking on is not a turn to time).
          const x = latestPosition(probe.world, id)?.x ?? 50;
          const next = x < 25 ? 1 : x > 75 ? -1 : -dir;
          if (next !== dir) {
            dir = next;
            pending = { dir, at: now };
            this.count(this.started);
          }
          turnAt = now + 150 + this.rng.int(200);
        }
      }
      probe.sendInput({ mx: dir, my: 0, attack: false });
    }, 50);
    this.timers.push(timer);
  }
}

const quantile = (sorted: number[], q: number): number => sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function bench(): Promise<void> {
  const seconds = num('seconds');
  const rng = createRng(num('seed'));
  const { url, child: server } = await startServer();
  const clients: GameClient[] = [];
  let flooder: ChildProcess | undefined;
  const stopAll = (): void => {
    for (const c of clients) c.close();
    flooder?.kill('SIGKILL');
    server.kill('SIGKILL');
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  try {
    const make = async (): Promise<GameClient> => {
      const c = createClient({ url });
      clients.push(c);
      return connected(c);
    };
    const bots = await Promise.all(Array.from({ length: num('bots') }, make));
    const observer = await make();
    const probeClients = await Promise.all(Array.from({ length: num('probes') }, make));
    const stopWandering = wander(bots, rng);
    const probes = new Probes(probeClients, observer, rng);
    probes.start();
    await sleep(2000);

    const rows: { phase: string; cpu: number; msgs: number; rejected: number; tickMs: number; lagMs: number }[] = [];
    // This process's own event-loop delay: part of every latency measured here, so shown beside it.
    const lag = monitorEventLoopDelay({ resolution: 5 });
    const measure = async (phase: string, ms: number): Promise<void> => {
      probes.phase = phase;
      lag.reset();
      lag.enable();
      const [cpu0, m0, t0] = [cpuSeconds(server.pid!), await scrape(url), performance.now()];
      await sleep(ms);
      const [cpu1, m1, t1] = [cpuSeconds(server.pid!), await scrape(url), performance.now()];
      lag.disable();
      const wall = (t1 - t0) / 1000;
      rows.push({
        phase, cpu: (cpu1 - cpu0) / wall, msgs: (m1.received - m0.received) / wall, rejected: (m1.rejected - m0.rejected) / wall,
        tickMs: ((m1.tickSum - m0.tickSum) / (m1.tickCount - m0.tickCount)) * 1000, lagMs: lag.percentile(99) / 1e6,
      });
      probes.phase = 'between';
    };

    await measure('quiet', seconds * 1000);
    // The flood: a child process, lower priority, reporting what it did when told to stop.
    const flooders = num('flooders');
    flooder = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--flood', url, '--flooders', String(flooders), '--seed', String(num('seed'))], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (num('nice') !== 0) setPriority(flooder.pid!, num('nice'));
    let report = '';
    flooder.stdout!.on('data', (chunk: Buffer) => void (report += chunk.toString()));
    await sleep(3000); // the flooders start up and reach their pace
    await measure(`flood (${flooders} connections)`, seconds * 1000);
    const done = new Promise((r) => flooder!.once('exit', r));
    flooder.kill('SIGTERM');
    await done;
    const totals = JSON.parse(report.trim().split('\n').pop() || '{}') as { sent?: number; connects?: number; kicks?: number };
    await sleep(2000);
    await measure('after', (seconds * 1000) / 2);
    probes.stop();
    stopWandering();

    // Report.
    const table = ['| phase | turns | timed | lost | killed | p50 ms | p90 ms | p99 ms | max ms | server CPU | msgs in /s | refused /s | tick ms | bench loop lag p99 ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
    const p50: Record<string, number> = {};
    const p99: Record<string, number> = {};
    for (const row of rows) {
      const s = [...(probes.samples.get(row.phase) ?? [])].sort((a, b) => a - b);
      p50[row.phase] = quantile(s, 0.5);
      p99[row.phase] = quantile(s, 0.99);
      const f = (v: number): string => v.toFixed(1);
      const n = (m: Map<string, number>): number => m.get(row.phase) ?? 0;
      table.push(`| ${row.phase} | ${n(probes.started)} | ${s.length} | ${n(probes.lost)} | ${n(probes.deaths) + n(probes.discarded)} | ${f(quantile(s, 0.5))} | ${f(quantile(s, 0.9))} | ${f(quantile(s, 0.99))} | ${f(s[s.length - 1] ?? Number.NaN)} | ${(row.cpu * 100).toFixed(0)}% | ${row.msgs.toFixed(0)} | ${row.rejected.toFixed(0)} | ${row.tickMs.toFixed(2)} | ${f(row.lagMs)} |`);
    }
    const quiet = rows[0]!.phase;
    const flooded = rows[1]!.phase;
    console.log(`\n## Abuse bench: ${num('bots')} wandering bots, ${num('probes')} probes, ${seconds} s per phase, flood child at nice ${num('nice')}\n`);
    console.log(table.join('\n'));
    console.log(`\nFlood: ${totals.sent ?? '?'} messages sent over ${totals.connects ?? '?'} connections (${totals.kicks ?? '?'} kicked for abuse) in ${seconds + 3} s.`);
    console.log(`Flood / quiet latency: p50 ×${(p50[flooded]! / p50[quiet]!).toFixed(2)}, p99 ×${(p99[flooded]! / p99[quiet]!).toFixed(2)}.`);
  } finally {
    for (const c of clients) c.close();
    flooder?.kill('SIGKILL');
    // Graceful stop: the server tells its clients and exits 0.
    server.kill('SIGTERM');
    await new Promise((r) => {
      server.once('exit', r);
      setTimeout(r, 6000).unref();
    });
  }
}

if (args.flood !== undefined) await flood(args.flood, num('flooders'), num('seed'));
else await bench();
