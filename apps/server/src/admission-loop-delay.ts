/**
 * How late the event loop runs: a timer's lateness, sampled every `intervalMs` and kept as the
 * worst of the last two samples (a saturated process shows it within one interval; one busy tick
 * alone decays at the next). Unref'd: it never keeps the process alive.
 */
export interface LoopDelay {
  /** ms the loop is currently running behind. */
  current(): number;
  stop(): void;
}

export function watchLoopDelay(intervalMs = 50): LoopDelay {
  let last = performance.now();
  let previous = 0;
  let latest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    previous = latest;
    latest = Math.max(0, now - last - intervalMs);
    last = now;
  }, intervalMs);
  timer.unref();
  return {
    current: () => Math.max(previous, latest),
    stop: () => clearInterval(timer),
  };
}
