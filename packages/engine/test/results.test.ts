import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicator, indicators } from '@wick/indicators';
import { createEngine, EngineTaskError } from '../src/index.ts';
import type { Engine } from '../src/index.ts';
import { copyColumns, randomCandles } from './fixtures/candles.ts';

const N = 5_000;
const reference = randomCandles(N, 7);

const PARAMS: Record<string, unknown> = {
  sma: { period: 20 },
  ema: { period: 12 },
  rsi: { period: 14 },
  macd: {},
  bbands: { period: 20 },
  atr: { period: 14 },
};

describe('engine results equal computeIndicator on the calling thread', () => {
  let pooled: Engine;
  let inline: Engine;
  beforeAll(() => {
    // Budgets far above any honest run: this file checks values, not speed (the box is shared).
    pooled = createEngine({ threads: 2, inlineMaxCandles: 0, taskTimeoutMs: 120_000 });
    inline = createEngine({ threads: 1, inlineMaxCandles: 1_000_000 });
  });
  afterAll(async () => {
    await Promise.all([pooled.close(), inline.close()]);
  });

  it('covers at least sma, ema, rsi, macd, bbands, atr', () => {
    for (const name of Object.keys(PARAMS)) expect(indicators.has(name), name).toBe(true);
  });

  // Every registered indicator, with its defaults, plus the explicit params above.
  const cases = [...indicators.keys()].map((name) => [name, PARAMS[name] ?? {}] as const);
  it.each(cases)('%s through a worker is bit-identical to inline computeIndicator', async (name, params) => {
    const expected = computeIndicator(name, copyColumns(reference), params);
    const res = await pooled.compute(copyColumns(reference), { indicator: name, params });
    expect(res.inline).toBe(false);
    expect(Object.keys(res.outputs).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, series] of Object.entries(expected)) {
      const got = res.outputs[key];
      expect(got, key).toBeInstanceOf(Float64Array);
      expect(got!.length).toBe(N);
      // Same code on the same doubles: equality must be exact (NaN warm-up included).
      for (let i = 0; i < N; i++) if (!Object.is(got![i], series[i])) expect([key, i, got![i]]).toEqual([key, i, series[i]]);
    }
    expect(res.computeMs).toBeGreaterThanOrEqual(0);
  });

  it.each(Object.entries(PARAMS))('%s inline gives the same values and reports inline', async (name, params) => {
    const expected = computeIndicator(name, copyColumns(reference), params);
    const res = await inline.compute(copyColumns(reference), { indicator: name, params });
    expect(res.inline).toBe(true);
    expect(res.outputs).toEqual(expected);
  });

  it('computeMany returns every item in order, a bad item as an error beside the good ones', async () => {
    const items = [
      { indicator: 'sma', params: { period: 20 } },
      { indicator: 'rsi', params: { period: 0 } },
      { indicator: 'no-such-indicator', params: {} },
      { indicator: 'atr', params: { period: 14 } },
      { indicator: 'sma', params: { period: N + 10 } },
    ];
    const results = await pooled.computeMany(copyColumns(reference), items);
    expect(results).toHaveLength(5);
    const [sma, badRsi, unknown, atr, tooLong] = results;
    expect(sma?.ok && sma.outputs.value).toEqual(computeIndicator('sma', copyColumns(reference), { period: 20 }).value);
    expect(atr?.ok && atr.outputs.value).toEqual(computeIndicator('atr', copyColumns(reference), { period: 14 }).value);
    expect(badRsi).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    expect(!badRsi?.ok && badRsi?.error.message).toMatch(/period/);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_INDICATOR' } });
    // Long enough for the inline check, too short for the kernel: the worker reports it as a value.
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'NOT_ENOUGH_DATA' } });
  });

  it('computeMany with only bad items never dispatches a task', async () => {
    const before = pooled.stats();
    const results = await pooled.computeMany(copyColumns(reference), [{ indicator: 'ema', params: { period: -3 } }]);
    expect(results).toEqual([{ ok: false, error: { code: 'INVALID_PARAMS', message: expect.stringMatching(/period/) } }]);
    const after = pooled.stats();
    expect(after.completed).toBe(before.completed);
    expect(after.failed).toBe(before.failed);
  });

  it('rejects bad params on the calling thread with the indicator code and message', async () => {
    const before = pooled.stats();
    const cols = copyColumns(reference);
    const err = await pooled.compute(cols, { indicator: 'rsi', params: { period: 1.5 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineTaskError);
    expect(err).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(/period/) });
    // No round trip: nothing was transferred and no worker task ran.
    expect(cols.close.length).toBe(N);
    expect(pooled.stats().completed).toBe(before.completed);
    expect(pooled.stats().failed).toBe(before.failed + 1);

    const unknown = await pooled.compute(cols, { indicator: 'nope', params: {} }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'UNKNOWN_INDICATOR' });
  });

  it('surfaces NOT_ENOUGH_DATA from the kernel as an EngineTaskError', async () => {
    const short = randomCandles(10);
    const err = await pooled.compute(short, { indicator: 'sma', params: { period: 50 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineTaskError);
    expect(err).toMatchObject({ code: 'NOT_ENOUGH_DATA' });
  });
});
