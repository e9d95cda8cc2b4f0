// What the game's process entries (npm start, npm run worker) share: numbers read from the
// environment, and a graceful stop on SIGINT/SIGTERM with a hard deadline.
import type { Logger } from '../net';

/** Reads a non-negative number from the environment; a bad one is fatal (exit 2), not guessed at. */
export function envNumber(logger: Logger, name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    logger.fatal({ name, raw }, 'bad environment variable');
    process.exit(2);
  }
  return value;
}

/**
 * On the first SIGINT or SIGTERM runs `stop(signal)` and exits 0 once it resolves; if it takes
 * longer than `deadlineMs`, or fails, exits 1. A second signal is ignored while stopping.
 */
export function stopOnSignals(logger: Logger, what: string, deadlineMs: number, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, what);
      const force = setTimeout(() => {
        logger.error(`${what} took too long; exiting`);
        process.exit(1);
      }, deadlineMs);
      force.unref();
      stop(signal).then(
        () => {
          logger.flush?.();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, `${what} failed`);
          process.exit(1);
        },
      );
    });
  }
}
