import type { Logger } from 'pino';
import type { Clock } from './clock.ts';

/** Logs a recurring problem once per period (with how often it recurred) instead of on every attempt. */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
  ) {}

  warn(log: Logger, key: string, fields: Record<string, unknown>, message: string): void {
    const now = this.clock.now();
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.periodMs) {
      seen.suppressed += 1;
      return;
    }
    log.warn({ ...fields, ...(seen?.suppressed ? { repeated: seen.suppressed } : {}) }, message);
    this.last.set(key, { at: now, suppressed: 0 });
  }
}
