// Live network figures for the net graph, collected from the first message on whether or not the
// graph is open (so opening it shows the last 10 s at once). Everything comes from what GameClient
// exposes; what it does not expose is derived here, and says how.
import { getStore, Dead, hasComponent } from '../engine';
import type { GameClient } from '../net/client';
import type { StateMessage } from '../net/wire';

/** One reading of every figure; rates are per second over the last second. */
export interface NetSample {
  /** `performance.now()` of the reading. */
  at: number;
  fps: number;
  /** Smoothed round trip of the client's clock probes (ms); NaN before the first. */
  ping: number;
  /** Interarrival jitter of state messages (RFC 3550: mean deviation of their transit times), ms. */
  jitter: number;
  /** State messages received per second. */
  updates: number;
  /** Engine.IO payload bytes per second received and sent (WebSocket / HTTP framing not counted). */
  down: number;
  up: number;
  /** How far behind the server's clock remote players are drawn (ms). */
  interpolationDelay: number;
  /** Prediction corrections per second, and their mean size (map units) over the last second. */
  corrections: number;
  correctionSize: number;
  /** Messages in the last 10 s that arrived after their tick had been drawn, and after a silence. */
  late: number;
  stalled: number;
  /** Server tick cost (simulate and build, plus send; ms, smoothed), from the last clock probe. */
  serverTick: number | undefined;
}

/** Collects network figures; `frame` once per drawn frame, `sample` whenever a reading is wanted. */
export interface NetStats {
  /** Counts a drawn frame and records the own prediction for it (call after `client.update()`). */
  frame(now: number): void;
  /** The figures as of `now`; also appended to `history` at most every `periodMs`. */
  sample(now: number): NetSample;
  /** Readings of the last `windowMs`, oldest first. */
  readonly history: readonly NetSample[];
  readonly windowMs: number;
  dispose(): void;
}

/** Options of `createNetStats`. */
export interface NetStatsOptions {
  /** Length of the history (ms). Default 10 000. */
  windowMs?: number;
  /** Least time between two history entries (ms). Default 250. */
  periodMs?: number;
  /** A prediction off by less than this (map units) is not a correction. Default 0.05. */
  epsilon?: number;
}

/** Timestamps of the last second (or `span`), counted on demand. */
function createRate(span = 1000): { add(at: number, value?: number): void; sum(now: number): number; count(now: number): number } {
  const times: number[] = [];
  const values: number[] = [];
  const trim = (now: number): void => {
    let i = 0;
    while (i < times.length && times[i]! <= now - span) i++;
    if (i > 0) {
      times.splice(0, i);
      values.splice(0, i);
    }
  };
  return {
    add(at, value = 1) {
      times.push(at);
      values.push(value);
    },
    sum(now) {
      trim(now);
      let s = 0;
      for (const v of values) s += v;
      return s;
    },
    count(now) {
      trim(now);
      return times.length;
    },
  };
}

/** UTF-8 length of a string without encoding it (Engine.IO text packets are mostly ASCII). */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function payloadBytes(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return 0;
}

/**
 * Starts collecting `client`'s figures. Bytes are counted on the Engine.IO socket under
 * Socket.IO (its `packet` and `packetCreate` events: payload plus the one-character type of text
 * packets), re-attached after every reconnection.
 */
export function createNetStats(client: GameClient, options: NetStatsOptions = {}): NetStats {
  const windowMs = options.windowMs ?? 10_000;
  const periodMs = options.periodMs ?? 250;
  const epsilon = options.epsilon ?? 0.05;
  const now = (): number => performance.now();
  const frames = createRate();
  const updates = createRate();
  const down = createRate();
  const up = createRate();
  const corrections = createRate();
  const late = createRate(windowMs);
  const stalled = createRate(windowMs);
  const history: NetSample[] = [];
  let jitter = 0;
  let lastTransit = Number.NaN;
  let lastArrival = Number.NaN;
  let lastSampleAt = Number.NEGATIVE_INFINITY;
  let lastError = { x: 0, y: 0 };
  // The own player's predicted position per frame, keyed by the (fractional) tick it stands for.
  const predictions: { tick: number; x: number; y: number }[] = [];

  const attached = new WeakSet<object>();
  const attach = (): void => {
    const engine = client.socket.io.engine;
    if (engine === undefined || attached.has(engine)) return;
    attached.add(engine);
    engine.on('packet', (p) => down.add(now(), payloadBytes(p.data) + (typeof p.data === 'string' || p.data === undefined ? 1 : 0)));
    engine.on('packetCreate', (p) => up.add(now(), payloadBytes(p.data) + (typeof p.data === 'string' || p.data === undefined ? 1 : 0)));
  };
  attach();
  const onOpen = (): void => attach();
  client.socket.io.on('open', onOpen);

  const tickTime = (): number => client.world.tickMs;

  const onState = (message: StateMessage): void => {
    const t = now();
    updates.add(t);
    const { clock } = client;
    if (clock.samples > 0 && !message.full) {
      // Transit in ms on the server's clock: arrival minus the tick's own time.
      const transit = clock.serverNow(t) - message.tick * tickTime();
      if (!Number.isNaN(lastTransit)) jitter += (Math.abs(transit - lastTransit) - jitter) / 16;
      lastTransit = transit;
      if (transit > client.interpolationDelay) late.add(t);
    }
    // The server stays silent only while nothing changes, and then still speaks every 15 ticks.
    if (!Number.isNaN(lastArrival) && t - lastArrival > 15 * tickTime() + 100) stalled.add(t);
    lastArrival = t;
    checkPrediction(message.tick, t);
  };

  // A correction: where the server says the own player was at tick T, against where this client
  // had predicted it for T. The client predicts for (server now + rtt / 2), so a frame's
  // prediction stands for that tick. One misprediction shows in several messages (every
  // prediction made before it was known carries it), so only a change of error counts as new.
  function checkPrediction(tick: number, t: number): void {
    const eid = client.localEntity;
    if (eid === undefined || hasComponent(client.world, eid, getStore(client.world, Dead))) return;
    let i = predictions.length - 1;
    while (i > 0 && predictions[i - 1]!.tick > tick) i--;
    const a = predictions[i - 1];
    const b = predictions[i];
    if (a === undefined || b === undefined || a.tick > tick || b.tick < tick) return;
    const f = b.tick === a.tick ? 0 : (tick - a.tick) / (b.tick - a.tick);
    const ex = client.world.sim.x[eid]! - (a.x + (b.x - a.x) * f);
    const ey = client.world.sim.y[eid]! - (a.y + (b.y - a.y) * f);
    const size = Math.hypot(ex, ey);
    if (size > 8) return; // a teleport (respawn), not a misprediction
    if (size > epsilon && Math.hypot(ex - lastError.x, ey - lastError.y) > epsilon) corrections.add(t, size);
    lastError = { x: ex, y: ey };
  }
  const offState = client.on('state', onState);

  return {
    frame(t) {
      frames.add(t);
      const p = client.predicted;
      const { clock } = client;
      if (p === undefined || clock.samples === 0) return;
      const rtt = Number.isNaN(clock.rtt) ? 0 : clock.rtt;
      predictions.push({ tick: (clock.serverNow(t) + rtt / 2) / tickTime(), x: p.x, y: p.y });
      while (predictions.length > 0 && predictions[0]!.tick < predictions[predictions.length - 1]!.tick - 90) predictions.shift();
    },
    sample(t) {
      const fixes = corrections.count(t);
      const s: NetSample = {
        at: t,
        fps: frames.count(t),
        ping: client.ping,
        jitter,
        updates: updates.count(t),
        down: down.sum(t),
        up: up.sum(t),
        interpolationDelay: client.interpolationDelay,
        corrections: fixes,
        correctionSize: fixes === 0 ? 0 : corrections.sum(t) / fixes,
        late: late.count(t),
        stalled: stalled.count(t),
        serverTick: client.serverTickTimes === undefined ? undefined : client.serverTickTimes.simulateMs + client.serverTickTimes.sendMs,
      };
      if (t - lastSampleAt >= periodMs) {
        lastSampleAt = t;
        history.push(s);
        while (history.length > 0 && history[0]!.at < t - windowMs) history.shift();
      }
      return s;
    },
    history,
    windowMs,
    dispose() {
      offState();
      client.socket.io.off('open', onOpen);
    },
  };
}
