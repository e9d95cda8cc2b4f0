// Reading a server at the two ends of a measurement window: its /metrics, and /proc as a fallback
// for a server too busy to answer (the classic baseline drowns at a few hundred players).
import { performance } from 'node:perf_hooks';
import { fetchText } from '../lib/http';
import { readProcUsage, type ProcUsage } from '../lib/proc';
import { bucketDelta, histogramBuckets, histogramQuantile, metricValue, parsePrometheus, type PromSample } from '../lib/prom';

/** A server's /metrics (if it answered in time) and /proc usage at one moment. */
export interface Reading {
  /** When /proc was read (just before asking /metrics) and when /metrics answered, ms. */
  procAt: number;
  metricsAt: number;
  proc?: ProcUsage;
  samples?: PromSample[];
  /** How long /metrics took to answer (or until we gave up), ms. */
  latencyMs: number;
}

/** Where a figure came from. */
export type Source = 'metrics' | 'proc' | null;

/** What a window measured. Rates are per second of the window. */
export interface WindowFigures {
  seconds: number;
  players: number | null;
  cpuPct: number | null;
  cpuSource: Source;
  sentPerSec: number | null;
  receivedPerSec: number | null;
  wireSource: Source;
  lagP99Ms: number | null;
  /** When /metrics did not answer: the event loop was stalled at least this long. */
  lagAtLeastMs: number | null;
  tickP99Ms: number | null;
  /** p99 of writing a tick's messages to the sockets (ours only). */
  writeP99Ms: number | null;
  ticksPerSec: number | null;
  /** Time ticks spent recording the match (replay file), as a share of the tick time, in percent. */
  recordingPctOfTick: number | null;
  /** Mean tick time (simulate + build), ms, and the recording's part of it per tick, µs. */
  tickMeanMs: number | null;
  recordingUsPerTick: number | null;
  /** Mean time a tick spent writing its messages to the sockets, ms (after simulate + build). */
  writeMeanMs: number | null;
  /** Recording's share of everything a tick costs the server (simulate + build + write), in percent. */
  recordingPctOfTickAndWrite: number | null;
  /** Slowest /metrics answer at the window's ends, ms. */
  metricsLatencyMs: number;
}

/** Reads a server now; /metrics gets `timeoutMs` to answer. Never throws. */
export async function readServer(url: string, pid: number | undefined, timeoutMs: number): Promise<Reading> {
  const procAt = performance.now();
  const proc = pid === undefined ? undefined : readProcUsage(pid);
  try {
    const samples = parsePrometheus(await fetchText(`${url}/metrics`, timeoutMs));
    const metricsAt = performance.now();
    return { procAt, metricsAt, proc, samples, latencyMs: metricsAt - procAt };
  } catch {
    return { procAt, metricsAt: Number.NaN, proc, latencyMs: performance.now() - procAt };
  }
}

/** Players a reading reports (`<prefix>players`, summed over labels), or undefined. */
export function playersIn(r: Reading, prefix: string): number | undefined {
  return r.samples === undefined ? undefined : metricValue(r.samples, `${prefix}players`);
}

/**
 * The figures of the window between readings `a` and `b`: from /metrics when the server answered
 * both times, else CPU and bytes from /proc (bytes then count every read/write system call).
 */
export function windowFigures(a: Reading, b: Reading, prefix: string, timeoutMs: number): WindowFigures {
  const both = a.samples !== undefined && b.samples !== undefined;
  const metricsS = (b.metricsAt - a.metricsAt) / 1000;
  const procS = (b.procAt - a.procAt) / 1000;
  const delta = (name: string): number | undefined => {
    if (!both) return undefined;
    const before = metricValue(a.samples!, name);
    const after = metricValue(b.samples!, name);
    return before === undefined || after === undefined ? undefined : after - before;
  };
  const out: WindowFigures = {
    seconds: both ? metricsS : procS, players: playersIn(b, prefix) ?? null,
    cpuPct: null, cpuSource: null, sentPerSec: null, receivedPerSec: null, wireSource: null,
    lagP99Ms: null, lagAtLeastMs: null, tickP99Ms: null, writeP99Ms: null, ticksPerSec: null, recordingPctOfTick: null, tickMeanMs: null, recordingUsPerTick: null,
    writeMeanMs: null, recordingPctOfTickAndWrite: null, metricsLatencyMs: Math.max(a.latencyMs, b.latencyMs),
  };
  const cpu = delta(`${prefix}process_cpu_seconds_total`);
  const sent = delta(`${prefix}wire_sent_bytes_total`);
  const received = delta(`${prefix}wire_received_bytes_total`);
  if (cpu !== undefined) Object.assign(out, { cpuPct: (cpu / metricsS) * 100, cpuSource: 'metrics' });
  else if (a.proc && b.proc) Object.assign(out, { cpuPct: ((b.proc.cpuSeconds - a.proc.cpuSeconds) / procS) * 100, cpuSource: 'proc' });
  if (sent !== undefined && received !== undefined) {
    Object.assign(out, { sentPerSec: sent / metricsS, receivedPerSec: received / metricsS, wireSource: 'metrics' });
  } else if (a.proc && b.proc) {
    const sentProc = (b.proc.writtenBytes - a.proc.writtenBytes) / procS;
    Object.assign(out, { sentPerSec: sentProc, receivedPerSec: (b.proc.readBytes - a.proc.readBytes) / procS, wireSource: 'proc' });
  }
  if (b.samples !== undefined) {
    const lag = metricValue(b.samples, `${prefix}nodejs_eventloop_lag_p99_seconds`);
    out.lagP99Ms = lag === undefined ? null : lag * 1000;
  } else {
    out.lagAtLeastMs = timeoutMs;
  }
  if (both && prefix === 'skirmish_') {
    const ticks = bucketDelta(histogramBuckets(a.samples!, 'skirmish_tick_seconds'), histogramBuckets(b.samples!, 'skirmish_tick_seconds'));
    const p99 = histogramQuantile(ticks, 0.99);
    out.tickP99Ms = Number.isNaN(p99) ? null : p99 * 1000;
    const writes = bucketDelta(histogramBuckets(a.samples!, 'skirmish_tick_write_seconds'), histogramBuckets(b.samples!, 'skirmish_tick_write_seconds'));
    const w99 = histogramQuantile(writes, 0.99);
    out.writeP99Ms = Number.isNaN(w99) ? null : w99 * 1000;
    const recordingS = delta('skirmish_recording_seconds_total');
    const tickS = delta('skirmish_tick_seconds_sum');
    out.recordingPctOfTick = recordingS === undefined || !tickS ? null : (recordingS / tickS) * 100;
    const ticked = delta('skirmish_tick');
    out.ticksPerSec = ticked === undefined ? null : ticked / metricsS;
    out.tickMeanMs = tickS === undefined || !ticked ? null : (tickS / ticked) * 1000;
    out.recordingUsPerTick = recordingS === undefined || !ticked ? null : (recordingS / ticked) * 1e6;
    const writeS = delta('skirmish_tick_write_seconds_sum');
    out.writeMeanMs = writeS === undefined || !ticked ? null : (writeS / ticked) * 1000;
    out.recordingPctOfTickAndWrite = recordingS === undefined || writeS === undefined || !(tickS! + writeS) ? null : (recordingS / (tickS! + writeS)) * 100;
  }
  return out;
}
