import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicator } from '@wick/indicators';
import { createEngine } from '../src/index.ts';
import type { Engine } from '../src/index.ts';
import { copyColumns, randomCandles } from './fixtures/candles.ts';

const N = 20_000;

describe('columns cross to the worker by transfer', () => {
  let engine: Engine;
  beforeAll(() => {
    engine = createEngine({ threads: 1, inlineMaxCandles: 1_000, taskTimeoutMs: 120_000 });
  });
  afterAll(() => engine.close());

  it('detaches exactly the columns the indicator needs, at call time', async () => {
    const cols = randomCandles(N);
    const pending = engine.compute(cols, { indicator: 'atr', params: { period: 14 } });
    // Detached synchronously: the caller cannot race the worker on these buffers.
    expect(cols.high.byteLength).toBe(0);
    expect(cols.low.byteLength).toBe(0);
    expect(cols.close.byteLength).toBe(0);
    // Not needed by ATR: untouched, not copied away.
    expect(cols.open.length).toBe(N);
    expect(cols.volume.length).toBe(N);
    expect(cols.time.length).toBe(N);
    const res = await pending;
    expect(res.inline).toBe(false);
    expect(res.outputs.value).toEqual(computeIndicator('atr', randomCandles(N), { period: 14 }).value);
  });

  it('computeMany detaches the union of the items’ columns', async () => {
    const cols = randomCandles(N);
    const results = await engine.computeMany(cols, [
      { indicator: 'sma', params: {} },
      { indicator: 'atr', params: {} },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(cols.close.byteLength).toBe(0);
    expect(cols.high.byteLength).toBe(0);
    expect(cols.low.byteLength).toBe(0);
    expect(cols.open.length).toBe(N);
    expect(cols.volume.length).toBe(N);
  });

  it('copies a view into a larger buffer instead of detaching memory the caller still uses', async () => {
    const base = randomCandles(N);
    const blob = new Float64Array(2 * N);
    blob.set(base.close, 0);
    blob.set(base.close, N);
    const cols = { ...copyColumns(base), close: blob.subarray(N) };
    const res = await engine.compute(cols, { indicator: 'sma', params: { period: 20 } });
    expect(blob.length).toBe(2 * N);
    expect(cols.close.length).toBe(N);
    expect(res.outputs.value).toEqual(computeIndicator('sma', base, { period: 20 }).value);
  });

  it('outputs arrive as owned Float64Arrays of the input length', async () => {
    const res = await engine.compute(randomCandles(N), { indicator: 'bbands', params: {} });
    for (const series of Object.values(res.outputs)) {
      expect(series).toBeInstanceOf(Float64Array);
      expect(series.length).toBe(N);
    }
  });

  it('leaves columns intact when a small series runs inline', async () => {
    const cols = randomCandles(500);
    const res = await engine.compute(cols, { indicator: 'rsi', params: {} });
    expect(res.inline).toBe(true);
    expect(cols.close.length).toBe(500);
  });

  it('weighs a batch by candles × items when choosing inline', async () => {
    const one = randomCandles(600);
    await engine.computeMany(one, [{ indicator: 'sma', params: {} }]);
    expect(one.close.length).toBe(600); // 600 ≤ 1,000: inline, untouched
    const two = randomCandles(600);
    const results = await engine.computeMany(two, [
      { indicator: 'sma', params: {} },
      { indicator: 'ema', params: {} },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(two.close.byteLength).toBe(0); // 1,200 > 1,000: sent to a worker
  });
});
