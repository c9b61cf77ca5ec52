import pino, { type Logger } from 'pino';

export type { Logger };

/** A feed's logger: JSON lines (pino) at LOG_LEVEL, default info. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level });
}
