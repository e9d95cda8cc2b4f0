// What the bots of one thread have seen: counters for the whole run, rates and latencies for the
// measurement window (from `mark()` on, once every bot has had its chance to connect).
import { performance } from 'node:perf_hooks';
import { Reservoir, type SampleSet } from '../lib/stats';
import type { WireBytes } from './agent';

/** A thread's tally in plain data, fit for `postMessage`. */
export interface TallyData {
  /** Bots started. */
  bots: number;
  /** Bots that connected at least once. */
  connected: number;
  /** Bots connected right now. */
  connectedNow: number;
  /** Connections lost without the bot asking (the bot then reconnects by itself). */
  dropped: number;
  /** Error events: connect errors, rejected messages, undecodable state. */
  errors: number;
  /** State messages (delta) or `player_moved` events (classic) received, whole run. */
  updates: number;
  /** Same, since `mark()`. */
  windowUpdates: number;
  /** Wire bytes since `mark()`. */
  windowBytes: WireBytes;
  /** Milliseconds since `mark()`. */
  windowMs: number;
  /** Input sent → acknowledged by the server (delta protocol only), ms. */
  ack: SampleSet;
  /** Server clock estimate minus the time of the newest tick applied, ms. */
  stale: SampleSet;
  /** Probe turned → observer saw it, ms. */
  observed: SampleSet;
  /** Probe turns the observer could not see (the probe died, respawned or left its view first). */
  lostTurns: number;
  /** Of `lostTurns`, those lost because the probe was dead or respawned (the rest: out of the observer's view). */
  lostToDeath: number;
  /** Probe turns not seen within 10 s (counted in `observed` as 10 s). */
  expiredTurns: number;
  /** Probe turns the observer only saw with a later one (counted in `observed` up to then). */
  supersededTurns: number;
}

/** Live counters of one thread's bots; bots call the `on…` methods. */
export class Tally {
  bots = 0;
  connected = 0;
  connectedNow = 0;
  dropped = 0;
  errors = 0;
  updates = 0;
  lostTurns = 0;
  lostToDeath = 0;
  expiredTurns = 0;
  supersededTurns = 0;
  readonly ack = new Reservoir();
  readonly stale = new Reservoir();
  readonly observed = new Reservoir();
  private markedAt = performance.now();
  private updatesAtMark = 0;
  private bytesAtMark: WireBytes = { read: 0, written: 0 };

  constructor(private readonly bytes: () => WireBytes) {}

  /** A bot connected; `first` when it is its first connection of the run. */
  onConnect(first: boolean): void {
    this.connectedNow++;
    if (first) this.connected++;
  }

  /** A bot lost its connection; `unexpected` unless it closed it itself. */
  onDisconnect(unexpected: boolean): void {
    this.connectedNow--;
    if (unexpected) this.dropped++;
  }

  /** Starts the measurement window: rates and latency samples count from here. */
  mark(): void {
    this.markedAt = performance.now();
    this.updatesAtMark = this.updates;
    this.bytesAtMark = this.bytes();
    this.ack.clear();
    this.stale.clear();
    this.observed.clear();
    this.lostTurns = 0;
    this.lostToDeath = 0;
    this.expiredTurns = 0;
    this.supersededTurns = 0;
  }

  /** The tally as plain data. */
  data(): TallyData {
    const now = this.bytes();
    return {
      bots: this.bots,
      connected: this.connected,
      connectedNow: this.connectedNow,
      dropped: this.dropped,
      errors: this.errors,
      updates: this.updates,
      windowUpdates: this.updates - this.updatesAtMark,
      windowBytes: { read: now.read - this.bytesAtMark.read, written: now.written - this.bytesAtMark.written },
      windowMs: performance.now() - this.markedAt,
      ack: this.ack.data(),
      stale: this.stale.data(),
      observed: this.observed.data(),
      lostTurns: this.lostTurns,
      lostToDeath: this.lostToDeath,
      expiredTurns: this.expiredTurns,
      supersededTurns: this.supersededTurns,
    };
  }
}
