// A network conditioner: latency, jitter, loss and a bandwidth cap between a client and the
// server, for tests and for a developer who wants to feel the game on a bad link (the browser game
// reads `?lag=150&jitter=20&loss=2&bw=20000`). Browser-safe, deterministic given a seed. This is
// the link model; net/client/conditioned-parser.ts puts it under a Socket.IO parser.
//
// The model is one direction of a TCP connection (Socket.IO runs over TCP):
// - bandwidth: the link serializes bytes at `bandwidth` bytes/s; a message waits for the ones
//   ahead of it to finish sending (0 = unlimited).
// - latency: once sent, a message travels `latency` ms ± uniform `jitter` ms (never below 0).
// - loss, reliable message: a lost segment is retransmitted after an RTO of
//   2 × latency + minRto (200 ms, Linux's floor), doubling on each further loss (capped at
//   120 s, at most `maxRetransmits` times, after which it is delivered anyway).
// - loss, droppable message (volatile state the next tick supersedes): dropped, never delivered
//   (it still used its share of bandwidth; retransmissions, for simplicity, use none).
// - order: TCP delivers in order, so a message never arrives before the one sent ahead of it;
//   one retransmission holds up everything behind it (head-of-line blocking).
import { createRng } from '../../engine';

/** One-way conditions of a link. */
export interface LinkConditions {
  /** One-way delay in ms. */
  latency: number;
  /** Each message's delay varies uniformly within ±jitter ms. */
  jitter: number;
  /** Chance in percent (0..100) that a message is lost once on the wire. */
  loss: number;
  /** Bytes per second; 0 = unlimited. */
  bandwidth: number;
}

/** The clock and timers a conditioner runs on; tests pass a fake one. */
export interface ConditionerScheduler {
  /** The current time in ms. */
  now(): number;
  /** Runs `callback` after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** Options of `createConditioner`: conditions (default a perfect link), seed and model knobs. */
export interface ConditionerOptions extends Partial<LinkConditions> {
  /** Seed of the conditioner's own RNG. Default 1. */
  seed?: number;
  /** Floor of the retransmission timeout in ms. Default 200. */
  minRto?: number;
  /** Retransmissions of one message before it is delivered regardless. Default 15. */
  maxRetransmits?: number;
  /** Clock and timers. Default `performance.now` and the global timers. */
  scheduler?: ConditionerScheduler;
}

/** Counters of what a conditioner did. */
export interface ConditionerStats {
  /** Messages handed to `schedule` while open. */
  scheduled: number;
  delivered: number;
  /** Droppable messages lost. */
  dropped: number;
  /** Retransmissions of reliable messages (a message lost twice counts twice). */
  retransmits: number;
  /** Messages waiting for delivery. */
  readonly pending: number;
}

/** One direction of a conditioned link. */
export interface Conditioner {
  /**
   * Calls `deliver` once the message of `bytes` bytes arrives, or never if it is droppable and lost.
   * Ignored after `close()`.
   * @throws if `bytes` is negative or not finite.
   */
  schedule(bytes: number, deliver: () => void, droppable?: boolean): void;
  /** Cancels every pending delivery and stops the timer; later schedules are ignored. */
  close(): void;
  readonly stats: ConditionerStats;
}

const MAX_RTO = 120_000;

const realScheduler: ConditionerScheduler = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

function checkConditions(c: LinkConditions): void {
  const bad = (what: string, value: number, range: string): never => {
    throw new Error(`Skirmish conditioner: ${what} must be ${range}, got ${value}`);
  };
  if (!(Number.isFinite(c.latency) && c.latency >= 0)) bad('latency', c.latency, 'a number of ms ≥ 0');
  if (!(Number.isFinite(c.jitter) && c.jitter >= 0)) bad('jitter', c.jitter, 'a number of ms ≥ 0');
  if (!(Number.isFinite(c.loss) && c.loss >= 0 && c.loss <= 100)) bad('loss', c.loss, 'a percentage in 0..100');
  if (!(Number.isFinite(c.bandwidth) && c.bandwidth >= 0)) bad('bandwidth', c.bandwidth, 'bytes per second ≥ 0');
}

/**
 * Creates one direction of a conditioned link; put one each way for a round trip.
 * @throws if a condition is out of range.
 */
export function createConditioner(options: ConditionerOptions = {}): Conditioner {
  const conditions: LinkConditions = {
    latency: options.latency ?? 0, jitter: options.jitter ?? 0, loss: options.loss ?? 0, bandwidth: options.bandwidth ?? 0,
  };
  checkConditions(conditions);
  const { latency, jitter, loss, bandwidth } = conditions;
  const minRto = options.minRto ?? 200;
  const maxRetransmits = options.maxRetransmits ?? 15;
  const clock = options.scheduler ?? realScheduler;
  const rng = createRng(options.seed ?? 1);

  // Arrival times never decrease, so a FIFO with one timer for its head is enough.
  let queue: { at: number; deliver: () => void }[] = [];
  let head = 0;
  let timer: unknown;
  let armed = false;
  let closed = false;
  let linkFreeAt = -Infinity;
  let lastArrival = -Infinity;
  const stats = {
    scheduled: 0, delivered: 0, dropped: 0, retransmits: 0,
    get pending() {
      return queue.length - head;
    },
  };

  const arm = (): void => {
    if (armed || closed || head === queue.length) return;
    armed = true;
    timer = clock.setTimeout(flush, Math.max(0, queue[head]!.at - clock.now()));
  };
  const flush = (): void => {
    armed = false;
    const now = clock.now();
    try {
      while (!closed && head < queue.length && queue[head]!.at <= now) {
        const { deliver } = queue[head]!;
        queue[head++] = undefined!;
        stats.delivered++;
        deliver();
      }
    } finally {
      // Compact now and then instead of shifting the array on every delivery.
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      // Even if a delivery threw, the messages behind it still arrive.
      arm();
    }
  };

  return {
    stats,
    schedule(bytes, deliver, droppable = false) {
      if (!(Number.isFinite(bytes) && bytes >= 0)) throw new Error(`Skirmish conditioner: bytes must be ≥ 0, got ${bytes}`);
      if (closed) return;
      stats.scheduled++;
      const now = clock.now();
      const sent = Math.max(now, linkFreeAt) + (bandwidth > 0 ? (bytes * 1000) / bandwidth : 0);
      linkFreeAt = sent;
      // Draw in a fixed order so that a seed replays the same link.
      const delay = Math.max(0, latency + (jitter > 0 ? rng.range(-jitter, jitter) : 0));
      let lost = loss > 0 && rng.next() * 100 < loss;
      if (lost && droppable) {
        stats.dropped++;
        return;
      }
      let penalty = 0;
      let rto = 2 * latency + minRto;
      for (let n = 0; lost && n < maxRetransmits; n++) {
        stats.retransmits++;
        penalty += rto;
        rto = Math.min(rto * 2, MAX_RTO);
        lost = rng.next() * 100 < loss;
      }
      const at = Math.max(sent + delay + penalty, lastArrival);
      lastArrival = at;
      queue.push({ at, deliver });
      arm();
    },
    close() {
      if (closed) return;
      closed = true;
      if (armed) clock.clearTimeout(timer);
      armed = false;
      queue = [];
      head = 0;
    },
  };
}
