import { describe, expect, it } from 'vitest';
import { DEFAULT_INLINE_MAX_CANDLES, EngineError } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

describe('engine options', () => {
  it('defaults leave a core to the event loop but keep at least two workers; 64 queued tasks per thread', () => {
    // [cores, threads, maxQueue], by hand.
    const cases: [number, number, number][] = [
      [1, 2, 128],
      [2, 2, 128],
      [3, 2, 128],
      [4, 3, 192],
      [16, 15, 960],
    ];
    for (const [cores, threads, maxQueue] of cases) {
      expect(resolveOptions({}, {}, cores), `${cores} cores`).toEqual({
        threads,
        maxQueue,
        taskTimeoutMs: 5_000,
        inlineMaxCandles: 2_000,
      });
    }
    expect(DEFAULT_INLINE_MAX_CANDLES).toBe(2_000);
  });

  it('reads the environment, explicit options win', () => {
    const env = {
      WICK_ENGINE_THREADS: '3',
      WICK_ENGINE_MAX_QUEUE: '10',
      WICK_ENGINE_TASK_TIMEOUT_MS: '250',
      WICK_ENGINE_INLINE_MAX_CANDLES: '0',
    };
    expect(resolveOptions({}, env, 8)).toEqual({ threads: 3, maxQueue: 10, taskTimeoutMs: 250, inlineMaxCandles: 0 });
    expect(resolveOptions({ threads: 1 }, env, 8).threads).toBe(1);
    // Threads from the environment set the default queue: 5 × 64.
    expect(resolveOptions({}, { WICK_ENGINE_THREADS: '5' }, 8).maxQueue).toBe(320);
  });

  it('rejects out-of-bound or non-numeric values, naming them', () => {
    expect(() => resolveOptions({ threads: 0 }, {})).toThrow(/threads/);
    expect(() => resolveOptions({ maxQueue: -1 }, {})).toThrow(/maxQueue/);
    expect(() => resolveOptions({ taskTimeoutMs: 1.5 }, {})).toThrow(/taskTimeoutMs/);
    expect(() => resolveOptions({}, { WICK_ENGINE_THREADS: 'many' })).toThrow(EngineError);
    expect(() => resolveOptions({}, { WICK_ENGINE_THREADS: 'many' })).toThrow(/WICK_ENGINE_THREADS/);
  });
});
