// The match's clock: runs its ticks at a fixed rate on real time, catching up after a late timer,
// and times each tick's two halves (simulate and build messages, then write them) for metrics.
import { createScheduler } from '../../engine';
import type { Match } from './match';
import type { ServerMetrics } from './metrics';
import type { Logger } from './logger';

/** A fixed-rate tick loop that can be started and stopped. */
interface TickLoop {
  /** Starts ticking (does nothing if already running). */
  start(): void;
  /** Stops ticking (the server is closing). */
  stop(): void;
}

/**
 * Creates the tick loop of `match` at `tickRate` ticks a second; nothing runs until `start`.
 * @throws if `tickRate` is not positive.
 */
export function createTickLoop(match: Match, tickRate: number, metrics: ServerMetrics, logger: Logger): TickLoop {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const scheduler = createScheduler({
    dt: 1 / tickRate,
    now: () => performance.now(),
    tick: () => {
      const started = performance.now();
      match.simulate();
      const built = performance.now();
      match.flush();
      metrics.observeTick((built - started) / 1000, (performance.now() - built) / 1000);
    },
  });
  const loop = (): void => {
    if (!running) return;
    try {
      scheduler.advance();
    } catch (error) {
      // A tick that throws past the world's own error handling costs that tick, not the loop.
      logger.error({ err: error }, 'tick failed');
    }
    timer = setTimeout(loop, scheduler.untilNext());
  };
  return {
    start() {
      if (running) return;
      running = true;
      scheduler.advance();
      timer = setTimeout(loop, scheduler.untilNext());
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}
