// One structured logger for the whole server, so a log line can be searched by field.
import { pino, type Logger } from 'pino';

/** The pino logger every part of the server writes to. */
export type { Logger };

/**
 * Creates the server's structured logger (pino, JSON lines on stdout). Level `silent` for tests.
 * @throws if `level` is not a pino level.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'skirmish' } });
}
