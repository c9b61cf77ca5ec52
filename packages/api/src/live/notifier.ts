/**
 * Wakes the one consumer of a stream when something arrives. A notify that comes while nobody waits
 * is kept, so a wake-up between "nothing to do" and "wait" is never lost.
 */
export class Notifier {
  private pending = false;
  private wake: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves at the next notify (at once if one came since the last wait), on abort, or after timeoutMs. */
  wait(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.wake === done) this.wake = null;
        this.pending = false;
        resolve();
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}
