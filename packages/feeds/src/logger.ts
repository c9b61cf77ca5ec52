import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * A feed's logger: JSON lines (pino) at LOG_LEVEL, default info. Written synchronously: the CLIs end
 * with process.exit right after their last line ('simulator stopped'), and pino's default async
 * destination could lose it at exit (seen in CI on a loaded box). A feed logs a few lines a minute.
 */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level }, pino.destination({ dest: 1, sync: true }));
}
