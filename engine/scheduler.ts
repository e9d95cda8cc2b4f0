/** Options of `createScheduler`. */
export interface SchedulerOptions {
  /** Seconds per tick. */
  dt: number;
  /** Runs one tick. */
  tick: () => void;
  /** The clock, in milliseconds. Injected so tests can drive time; the server passes `performance.now`. */
  now: () => number;
  /** Most ticks run in one `advance`; beyond that the backlog is dropped so a stall cannot spiral. Default 5. */
  maxCatchUp?: number;
}

/** Drives a fixed-timestep simulation from a real clock with an accumulator. */
export interface Scheduler {
  /** Runs as many ticks as the time since the last call allows; returns how many ran. */
  advance(): number;
  /** Milliseconds until the next tick is due (≥ 0). */
  untilNext(): number;
  /** Ticks dropped because the loop fell too far behind. */
  readonly dropped: number;
}

/**
 * Creates a fixed-timestep scheduler ("fix your timestep"): real time accumulates and is spent in
 * whole ticks of `dt`, so the simulation runs the same whatever the host's timer jitter.
 * @throws if dt is not positive.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const stepMs = options.dt * 1000;
  if (!(stepMs > 0)) throw new Error(`Skirmish: scheduler dt must be positive, got ${options.dt}`);
  const maxCatchUp = options.maxCatchUp ?? 5;
  // 1000/30 is not exact in binary; without slack a tick due "now" would wait for a rounding error.
  const due = stepMs - 1e-6;
  let last = options.now();
  let acc = 0;
  let dropped = 0;
  return {
    advance() {
      const now = options.now();
      acc += Math.max(0, now - last);
      last = now;
      let ran = 0;
      while (acc >= due && ran < maxCatchUp) {
        acc = Math.max(0, acc - stepMs);
        ran++;
        options.tick();
      }
      if (acc >= stepMs) {
        const skip = Math.floor(acc / stepMs);
        dropped += skip;
        acc -= skip * stepMs;
      }
      return ran;
    },
    untilNext: () => Math.max(0, stepMs - acc - (options.now() - last)),
    get dropped() {
      return dropped;
    },
  };
}
