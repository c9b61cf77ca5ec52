/** Time as a feed sees it: injectable so a test can run simulated minutes without waiting for them. */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (or at once when `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * Simulated time for one sequential loop: `sleep` moves the clock forward and returns at once
 * (after letting pending I/O callbacks run), so minutes of market pass in the time the work takes.
 */
export class VirtualClock implements Clock {
  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.time += Math.max(0, ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
