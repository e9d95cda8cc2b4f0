import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the server's structured logger (pino, JSON lines on stdout). Level `silent` for tests. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'skirmish' } });
}
