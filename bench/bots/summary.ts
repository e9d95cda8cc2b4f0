// The one-line JSON summary of a bot run, and its live progress line.
import { mergeSamples, percentiles, type Percentiles } from '../lib/stats';
import type { BotOptions } from './options';
import type { Progress } from './threads';
import type { TallyData } from './tally';

/** The summary a bot run prints as the last line of stdout. */
export interface BotSummary {
  url: string;
  protocol: BotOptions['protocol'];
  transport: BotOptions['transport'];
  behavior: BotOptions['behavior'];
  count: number;
  inputHz: number;
  /** Engine bots: ms before an unchanged held direction was sent again. */
  resendHeldMs: number;
  workers: number;
  /** Whole run and measurement window (from every bot connected, or the ramp's deadline, to the end), s. */
  runS: number;
  windowS: number;
  /** Bots that connected at least once / never did / lost a connection they had; connected at the end. */
  connected: number;
  failed: number;
  dropped: number;
  connectedAtEnd: number;
  errors: number;
  /** Bytes per connected client per second in the window, counted on the bots' TCP sockets. */
  downBytesPerClientPerSec: number;
  upBytesPerClientPerSec: number;
  bytesMeasuredOn: string;
  /** State messages (delta) or player_moved events (classic) per client per second, and in all. */
  updatesPerSec: number;
  updatesPerSecTotal: number;
  /** Input sent → acknowledged (delta protocol), ms; null on the classic protocol (no sequence numbers). */
  ackMs: Percentiles | null;
  /** Server time estimate − time of the newest tick applied, ms; null on the classic protocol (no server clock). */
  staleMs: Percentiles | null;
  /** Probe turned → observer saw it, ms (with --probe); turns not seen within 10 s count as 10 s. */
  observedMs: Percentiles | null;
  /** Turns the observer could not see (the probe died or left its view first), and turns not seen within 10 s. */
  lostTurns: number;
  /** Of `lostTurns`, those lost to the probe's death or respawn; the rest left the observer's view. */
  lostToDeath: number;
  expiredTurns: number;
  /** Turns the observer saw only together with a later one (a tick applied both, or one message carried both). */
  supersededTurns: number;
  /** CPU the bots process used in the window, % of one core (can pass 100 with workers). */
  botsCpuPct: number;
}

const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

/** Combines the tallies of every thread into the summary. */
export function summarize(options: BotOptions, parts: readonly TallyData[], timing: { runS: number; windowS: number; cpuS: number }): BotSummary {
  const sum = (pick: (t: TallyData) => number): number => parts.reduce((s, t) => s + pick(t), 0);
  const connectedAtEnd = sum((t) => t.connectedNow);
  const clients = Math.max(1, connectedAtEnd);
  const window = Math.max(1e-3, timing.windowS);
  const sample = (pick: (t: TallyData) => TallyData['ack']): Percentiles | null => {
    const merged = mergeSamples(parts.map(pick));
    return merged.seen === 0 ? null : percentiles(merged);
  };
  const updates = sum((t) => t.windowUpdates);
  return {
    url: options.url,
    protocol: options.protocol,
    transport: options.transport,
    behavior: options.behavior,
    count: options.count,
    inputHz: options.inputHz,
    resendHeldMs: options.resendHeldMs,
    workers: options.workers,
    runS: round(timing.runS, 2),
    windowS: round(timing.windowS, 2),
    connected: sum((t) => t.connected),
    failed: sum((t) => t.bots - t.connected) + Math.max(0, options.count - sum((t) => t.bots)),
    dropped: sum((t) => t.dropped),
    connectedAtEnd,
    errors: sum((t) => t.errors),
    downBytesPerClientPerSec: Math.round(sum((t) => t.windowBytes.read) / clients / window),
    upBytesPerClientPerSec: Math.round(sum((t) => t.windowBytes.written) / clients / window),
    bytesMeasuredOn: 'client TCP sockets (bytesRead/bytesWritten via http.Agent), HTTP/WebSocket/Engine.IO framing included',
    updatesPerSec: round(updates / clients / window),
    updatesPerSecTotal: Math.round(updates / window),
    ackMs: options.protocol === 'delta' ? sample((t) => t.ack) : null,
    staleMs: options.protocol === 'delta' ? sample((t) => t.stale) : null,
    observedMs: options.probe ? sample((t) => t.observed) : null,
    lostTurns: sum((t) => t.lostTurns),
    lostToDeath: sum((t) => t.lostToDeath),
    expiredTurns: sum((t) => t.expiredTurns),
    supersededTurns: sum((t) => t.supersededTurns),
    botsCpuPct: round((timing.cpuS / window) * 100),
  };
}

/** The live progress line: elapsed time, connections, update rate, drops and errors. */
export function progressLine(elapsedS: number, count: number, p: Progress, updatesPerSec: number): string {
  return `bots ${elapsedS.toFixed(0).padStart(4)}s  connected ${p.connectedNow}/${count}` +
    `  connecting ${Math.max(0, p.bots - p.connected)}  dropped ${p.dropped}  errors ${p.errors}` +
    `  updates/s ${Math.round(updatesPerSec)}`;
}
