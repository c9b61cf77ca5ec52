import { CacheTimeoutError } from './errors.ts';

/** A timer that fires this much later than due means the process, not Valkey, used the time. */
const STALL_TOLERANCE_MIN_MS = 10;
/** Restarts granted to one call after stalls; a client that truly hangs still fails in the end. */
const MAX_RESTARTS = 3;

/**
 * `work`, or a CacheTimeoutError once it has not settled within `timeoutMs` of time this process
 * could actually spend waiting for it. Two rules keep a busy process from blaming Valkey:
 * - when the timer fires, the verdict waits one turn of the event loop (setImmediate runs after the
 *   I/O poll), so a reply that reached the process before the deadline is read and wins;
 * - when the timer fired late (the event loop was blocked), the stall is not held against the call:
 *   the deadline starts over, up to MAX_RESTARTS times.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let restarts = 0;
    const tolerance = Math.max(STALL_TOLERANCE_MIN_MS, timeoutMs / 4);
    const arm = (): void => {
      const dueAt = performance.now() + timeoutMs;
      timer = setTimeout(() => {
        setImmediate(() => {
          if (settled) return;
          if (performance.now() - dueAt > tolerance && restarts < MAX_RESTARTS) {
            restarts++;
            arm();
            return;
          }
          settled = true;
          reject(new CacheTimeoutError(`valkey call exceeded ${timeoutMs} ms`));
        });
      }, timeoutMs);
    };
    arm();
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
