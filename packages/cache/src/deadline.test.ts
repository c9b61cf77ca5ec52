import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.ts';
import { CacheTimeoutError } from './errors.ts';

/** Blocks the event loop, as a busy process does (a CPU-bound request, a long GC). */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function settlesAfterTimer<T>(value: T, afterMs: number): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), afterMs));
}

// Timers due in the same turn run in due order: these tests rely on order, never on measured time.
describe('withDeadline', () => {
  it('an answer that is never given becomes a CacheTimeoutError', async () => {
    await expect(withDeadline(new Promise<never>(() => undefined), 20)).rejects.toBeInstanceOf(CacheTimeoutError);
  });

  it('passes answers and errors through', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000)).resolves.toBe(7);
    const failure = new Error('valkey said no');
    await expect(withDeadline(Promise.reject(failure), 1_000)).rejects.toBe(failure);
  });

  it('an answer that arrived while the process was stalled wins over the deadline that expired meanwhile', async () => {
    const work = settlesAfterTimer('answer', 25); // due after the deadline (20), before the stall ends
    const guarded = withDeadline(work, 20);
    stall(120);
    await expect(guarded).resolves.toBe('answer');
  });

  it('a stall is not held against the call: the deadline starts over once the process runs again', async () => {
    // Deadline 40 fires only after the 120 ms stall: late, so it restarts (due ≥ 160); the answer is due at 140.
    const work = settlesAfterTimer('answer', 140);
    const guarded = withDeadline(work, 40);
    stall(120);
    await expect(guarded).resolves.toBe('answer');
  });
});
