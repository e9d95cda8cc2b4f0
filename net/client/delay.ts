/** Interpolation delay that adapts to how late state messages arrive. */
export interface DelayEstimator {
  /** Records how late a message arrived: server clock at arrival minus its tick's time (ms). */
  observe(lateness: number): void;
  /** Starts over (new connection) for a server with ticks of `tickMs`. */
  reset(tickMs: number): void;
  /** A round-trip measurement: until messages have been timed, half of it seeds the estimate. */
  seed(rtt: number): void;
  /** The delay to draw remote entities with (ms). */
  readonly value: number;
}

/**
 * Creates a delay estimator: the 95th percentile of recent lateness plus a small margin, never
 * under one tick nor over 400 ms; two ticks ("about two updates") until it has seen enough.
 * A `fixed` delay turns adaptation off.
 */
export function createDelayEstimator(fixed?: number, window = 90): DelayEstimator {
  const samples: number[] = [];
  let tickMs = 1000 / 30;
  let value = fixed ?? 2 * tickMs;
  let sinceUpdate = 0;
  const recompute = (): void => {
    const sorted = [...samples].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
    value = Math.min(400, Math.max(tickMs, p95 + 10));
  };
  return {
    observe(lateness) {
      if (fixed !== undefined || !Number.isFinite(lateness)) return;
      samples.push(lateness);
      if (samples.length > window) samples.shift();
      // Re-sort every few messages, not every one: it only needs to follow trends.
      if (samples.length < 10 || ++sinceUpdate >= 5) {
        sinceUpdate = 0;
        recompute();
      }
    },
    seed(rtt) {
      if (fixed !== undefined || samples.length > 0 || !Number.isFinite(rtt)) return;
      value = Math.min(400, Math.max(2 * tickMs, rtt / 2 + tickMs));
    },
    reset(ms) {
      tickMs = ms;
      samples.length = 0;
      value = fixed ?? 2 * tickMs;
    },
    get value() {
      return value;
    },
  };
}
