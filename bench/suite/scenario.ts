// Sections 2 and 3: a whole server on loopback under bots, measured from outside its process.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { BotSummary } from '../bots/summary';
import { readMachineCpu, readProcUsage, type MachineCpu, type ProcUsage } from '../lib/proc';
import { startBotsProcess, type BotsProcess } from './bots-process';
import { startServerProcess, type ServerKind, type ServerProcess } from './server-process';
import { playersIn, readServer, windowFigures, type Source } from './window';

/** What one scenario runs. */
export interface ScenarioPlan {
  server: ServerKind;
  players: number;
  mapSize: number;
  /** Seconds measured, after every player is in and `settleS` passed. */
  windowS: number;
  settleS: number;
  /** Bots opened per second. */
  rampPerSec: number;
  /** Longest wait past the ramp for every player to get in, s. */
  admitS: number;
  /** Probe pairs among the players (each a probe and its observer); default 4. */
  probePairs?: number;
  /** Extra node flags of the server (the profiler). */
  serverFlags?: string[];
}

/** What one scenario measured; null where the server could not tell (e.g. the baseline has no tick). */
export interface ScenarioResult {
  server: ServerKind;
  players: number;
  mapSize: number;
  /** Players the server counted at the end of the window (or last it could say). */
  playersSeen: number | null;
  windowS: number | null;
  /** Server process CPU over the window, % of one core. */
  cpuPct: number | null;
  /** The same per player per tick, µs: CPU ÷ (players × ticks run). */
  cpuUsPerPlayerTick: number | null;
  /** 1-minute load average of the machine when the window started and when it ended. */
  loadAvg: [number, number] | null;
  cpuSource: Source;
  tickP99Ms: number | null;
  /** p99 of writing a tick's messages to the sockets (ours only). */
  writeP99Ms: number | null;
  ticksPerSec: number | null;
  /** Share of the tick time spent recording the match for replays, in percent (ours only). */
  recordingPctOfTick: number | null;
  /** Mean tick time (simulate + build), ms, and the recording's part of it per tick, µs. */
  tickMeanMs: number | null;
  recordingUsPerTick: number | null;
  /** Mean time a tick spent writing to the sockets, ms, and recording's share of simulate + build + write, percent. */
  writeMeanMs: number | null;
  recordingPctOfTickAndWrite: number | null;
  /** Event-loop delay p99 as prom-client reports it (it includes its 10 ms sampling timer). */
  lagP99Ms: number | null;
  /** Set instead when /metrics did not answer in time: the loop was stalled at least this long. */
  lagAtLeastMs: number | null;
  /** Slowest /metrics answer at the window's ends, ms. */
  metricsLatencyMs: number | null;
  /** Server bytes on the wire per connected client per second (TCP, framing included). */
  downBytesPerClientPerSec: number | null;
  upBytesPerClientPerSec: number | null;
  wireSource: Source;
  /** Heap used (after a full GC) with everyone connected, minus idle, per player, KiB. */
  heapPerConnKiB: number | null;
  observedP50Ms: number | null;
  observedP99Ms: number | null;
  observedN: number;
  lostTurns: number;
  /** The bots' own summary (client-side bytes, acks, staleness, their CPU). */
  bots: BotSummary | null;
  /**
   * CPU the rest of the machine used during the window (neither the server nor the bots), % of
   * one core: above a few percent, something else competed with the measurement.
   */
  otherCpuPct: number | null;
  /** CPU the kernel spent in interrupts (loopback packets) during the window, % of one core. */
  interruptCpuPct: number | null;
  /** What went wrong, if anything did (a benchmark reports, it does not fail). */
  error?: string;
}

/** Probe pairs of a scenario: ~2.7 turns/s each, so a 20 s window gives a p99 over 200 turns. */
const DEFAULT_PROBE_PAIRS = 4;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** /metrics gets this long to answer at the window's ends; a server slower than that is drowning. */
const SCRAPE_MS = 3000;
/** …and this long while we wait for players to come in. */
const WAIT_SCRAPE_MS = 1500;
/** Stop waiting for players when their count has not grown for this long after the ramp (bot threads start slowly on a loaded machine). */
const STALL_MS = 15_000;

/** Waits until every player is in, or the server stops admitting them; returns how many got in. */
async function waitForPlayers(url: string, pid: number | undefined, bots: BotsProcess, plan: ScenarioPlan, prefix: string): Promise<number> {
  // A server too busy to answer /metrics is judged by what the bots say of themselves. The ramp
  // is timed from the first player in: on a loaded machine the bots process alone can take
  // seconds to start, and a stall timed from the spawn would end the wait before anyone came.
  const rampS = plan.players / plan.rampPerSec;
  const deadline = performance.now() + (rampS + plan.admitS) * 1000;
  let rampEnd = Infinity;
  let seen = 0;
  let grewAt = performance.now();
  while (performance.now() < deadline && !bots.exited) {
    const counted = playersIn(await readServer(url, pid, WAIT_SCRAPE_MS), prefix);
    const now = counted ?? Math.max(seen, bots.connected());
    if (now > seen) grewAt = performance.now();
    if (seen === 0 && now > 0) rampEnd = performance.now() + rampS * 1000;
    seen = now;
    if (seen >= plan.players) break;
    if (performance.now() > rampEnd && performance.now() - grewAt > STALL_MS) break;
    await sleep(250);
  }
  return seen;
}

/** CPU processes other than the server and the bots used between two moments, % of one core. */
function otherCpu(seconds: number, machine: [MachineCpu?, MachineCpu?], server: [ProcUsage?, ProcUsage?], bots: [ProcUsage?, ProcUsage?]): number | null {
  const [m0, m1] = machine;
  if (m0 === undefined || m1 === undefined || !server[0] || !server[1] || !bots[0] || !bots[1]) return null;
  const ours = server[1].cpuSeconds - server[0].cpuSeconds + bots[1].cpuSeconds - bots[0].cpuSeconds;
  return Math.max(0, ((m1.processes - m0.processes - ours) / seconds) * 100);
}

/** A result with nothing measured yet (every figure null). */
export function emptyResult(plan: ScenarioPlan): ScenarioResult {
  return {
    server: plan.server, players: plan.players, mapSize: plan.mapSize, playersSeen: null, windowS: null, cpuPct: null, cpuUsPerPlayerTick: null, loadAvg: null,
    cpuSource: null, tickP99Ms: null, writeP99Ms: null, ticksPerSec: null, recordingPctOfTick: null, tickMeanMs: null, recordingUsPerTick: null, writeMeanMs: null, recordingPctOfTickAndWrite: null, lagP99Ms: null, lagAtLeastMs: null, metricsLatencyMs: null,
    downBytesPerClientPerSec: null, upBytesPerClientPerSec: null, wireSource: null, heapPerConnKiB: null,
    observedP50Ms: null, observedP99Ms: null, observedN: 0, lostTurns: 0, bots: null, otherCpuPct: null,
    interruptCpuPct: null,
  };
}

/**
 * Runs one server under `players` bots (wander, probe pairs included) and measures it
 * from outside. Never throws: what went wrong is in `error`.
 */
export async function runScenario(plan: ScenarioPlan, log: (line: string) => void): Promise<ScenarioResult> {
  const prefix = plan.server === 'engine' ? 'skirmish_' : 'baseline_';
  const result = emptyResult(plan);
  let server: ServerProcess;
  try {
    server = await startServerProcess(plan.server, { MAP_SIZE: String(plan.mapSize) }, plan.serverFlags);
  } catch (error) {
    result.error = (error as Error).message;
    log(`  ${result.error}`);
    return result;
  }
  const pid = server.child.pid;
  const heapIdle = await server.heapUsed();
  const bots = startBotsProcess([
    '--url', server.url, '--count', String(plan.players), '--probes', String(plan.probePairs ?? DEFAULT_PROBE_PAIRS),
    '--protocol', plan.server === 'engine' ? 'delta' : 'classic',
    '--map-size', String(plan.mapSize), '--ramp', String(plan.rampPerSec),
    // A cap only: the bench ends the bots itself once the window is measured.
    '--duration', String(Math.ceil(plan.players / plan.rampPerSec + plan.settleS + plan.windowS + 90)),
  ]);
  try {
    const seen = await waitForPlayers(server.url, pid, bots, plan, prefix);
    if (seen < plan.players) log(`  only ${seen}/${plan.players} players got in; measuring anyway`);
    await sleep(plan.settleS * 1000);
    // prom-client resets its event-loop histogram on every scrape: none inside the window.
    const loadA = loadavg()[0]!;
    const machineA = readMachineCpu();
    const botsA = bots.child.pid === undefined ? undefined : readProcUsage(bots.child.pid);
    const a = await readServer(server.url, pid, SCRAPE_MS);
    // The window starts when `a` was taken, however long /metrics then took to answer.
    await sleep(Math.max(0, plan.windowS * 1000 - (performance.now() - a.procAt)));
    const b = await readServer(server.url, pid, SCRAPE_MS);
    const machineB = readMachineCpu();
    const botsB = bots.child.pid === undefined ? undefined : readProcUsage(bots.child.pid);
    const seconds = (b.procAt - a.procAt) / 1000;
    result.loadAvg = [loadA, loadavg()[0]!];
    result.otherCpuPct = otherCpu(seconds, [machineA, machineB], [a.proc, b.proc], [botsA, botsB]);
    if (machineA && machineB) result.interruptCpuPct = ((machineB.interrupts - machineA.interrupts) / seconds) * 100;
    const w = windowFigures(a, b, prefix, SCRAPE_MS);
    // A server that could not answer /metrics will not answer a heap request either: skip it.
    const heapLoaded = w.cpuSource === 'metrics' ? await server.heapUsed() : undefined;
    const clients = Math.max(1, w.players ?? seen);
    if (w.cpuPct !== null && w.ticksPerSec) result.cpuUsPerPlayerTick = (w.cpuPct / 100) * 1e6 / (clients * w.ticksPerSec);
    Object.assign(result, {
      playersSeen: w.players ?? seen, windowS: w.seconds, cpuPct: w.cpuPct, cpuSource: w.cpuSource, tickP99Ms: w.tickP99Ms, writeP99Ms: w.writeP99Ms,
      ticksPerSec: w.ticksPerSec, recordingPctOfTick: w.recordingPctOfTick, tickMeanMs: w.tickMeanMs, recordingUsPerTick: w.recordingUsPerTick,
      writeMeanMs: w.writeMeanMs, recordingPctOfTickAndWrite: w.recordingPctOfTickAndWrite, lagP99Ms: w.lagP99Ms, lagAtLeastMs: w.lagAtLeastMs, metricsLatencyMs: w.metricsLatencyMs,
      downBytesPerClientPerSec: w.sentPerSec === null ? null : w.sentPerSec / clients,
      upBytesPerClientPerSec: w.receivedPerSec === null ? null : w.receivedPerSec / clients,
      wireSource: w.wireSource,
    });
    if (w.cpuSource === 'proc') log(`  /metrics did not answer within ${SCRAPE_MS} ms: CPU and bytes read from /proc`);
    if (heapIdle !== undefined && heapLoaded !== undefined) result.heapPerConnKiB = (heapLoaded - heapIdle) / clients / 1024;
  } catch (error) {
    result.error = (error as Error).message;
    log(`  ${plan.server} ${plan.players}: ${result.error}`);
  } finally {
    const summary = await bots.stop();
    // A profiled server needs a clean exit to write its profile; any other may be cut short.
    await server.stop(plan.serverFlags?.length ? 10_000 : 2000);
    result.bots = summary ?? null;
    if (summary === undefined) {
      result.error ??= 'bots printed no summary';
      log(`  bots printed no summary:\n${bots.output()}`);
    }
    result.observedP50Ms = summary?.observedMs?.p50 ?? null;
    result.observedP99Ms = summary?.observedMs?.p99 ?? null;
    result.observedN = summary?.observedMs?.n ?? 0;
    result.lostTurns = summary?.lostTurns ?? 0;
  }
  return result;
}
