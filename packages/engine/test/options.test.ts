import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { DEFAULT_INLINE_MAX_CANDLES, EngineError } from '../src/index.ts';
import { resolveOptions } from '../src/options.ts';

describe('engine options', () => {
  it('defaults leave a core to the event loop but keep at least two workers', () => {
    const o = resolveOptions({}, {});
    expect(o.threads).toBe(Math.max(2, availableParallelism() - 1));
    expect(o.maxQueue).toBe(o.threads * 64);
    expect(o.taskTimeoutMs).toBe(5_000);
    expect(o.inlineMaxCandles).toBe(DEFAULT_INLINE_MAX_CANDLES);
  });

  it('reads the environment, explicit options win', () => {
    const env = { WICK_ENGINE_THREADS: '3', WICK_ENGINE_MAX_QUEUE: '10', WICK_ENGINE_TASK_TIMEOUT_MS: '250' };
    expect(resolveOptions({}, env)).toMatchObject({ threads: 3, maxQueue: 10, taskTimeoutMs: 250 });
    expect(resolveOptions({ threads: 1 }, env).threads).toBe(1);
  });

  it('rejects out-of-bound or non-numeric values, naming them', () => {
    expect(() => resolveOptions({ threads: 0 }, {})).toThrow(/threads/);
    expect(() => resolveOptions({ maxQueue: -1 }, {})).toThrow(/maxQueue/);
    expect(() => resolveOptions({ taskTimeoutMs: 1.5 }, {})).toThrow(/taskTimeoutMs/);
    expect(() => resolveOptions({}, { WICK_ENGINE_THREADS: 'many' })).toThrow(EngineError);
    expect(() => resolveOptions({}, { WICK_ENGINE_THREADS: 'many' })).toThrow(/WICK_ENGINE_THREADS/);
  });
});
