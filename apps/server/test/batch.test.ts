import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startWick, type Wick } from '@wick/server/testing';

let wick: Wick;
beforeAll(async () => {
  wick = await startWick('batch');
});
afterAll(() => wick?.close());

const base = { symbol: 'BTCUSDT', interval: '1m' as const, limit: 400 };
const none: Record<string, number> = {};
const engineRuns = () => {
  const s = wick.server.engine.stats();
  return s.completed + s.inlineRuns;
};

describe('indicators.batch', () => {
  it('computes duplicates once and shares one candle load per window', async () => {
    const runsBefore = engineRuns();
    const loadsBefore = wick.server.metrics.candleDbLoads;
    const items = [
      { ...base, indicator: 'rsi', params: { period: 14 } },
      { ...base, indicator: 'rsi', params: none }, // same as the first once defaults apply
      { ...base, indicator: 'sma', params: { period: 50 } },
      { ...base, indicator: 'macd', params: none },
      { ...base, indicator: 'sma', params: { period: 50 } },
    ];
    const { items: out } = await wick.client.indicators.batch.query({ items });
    expect(out.map((i) => i.ok)).toEqual([true, true, true, true, true]);
    expect(engineRuns() - runsBefore).toBe(3);
    expect(wick.server.metrics.candleDbLoads - loadsBefore).toBe(1);
    const [a, b, c, , e] = out as Extract<(typeof out)[number], { ok: true }>[];
    expect(b!.values).toEqual(a!.values);
    expect(e!.values).toEqual(c!.values);

    // Each item equals the same request made alone.
    const alone = await wick.client.indicators.compute.query(items[3]!);
    expect(alone.values).toEqual((out[3] as typeof alone).values);
    expect(alone.cache.status).toBe('hit');
  });

  it('a failing item answers with its own error beside the others', async () => {
    const { items: out } = await wick.client.indicators.batch.query({
      items: [
        { ...base, indicator: 'ema', params: { period: 10 } },
        { ...base, indicator: 'ema', params: { period: 0 } },
        { ...base, symbol: 'NOPEUSDT', indicator: 'ema', params: none },
        { ...base, indicator: 'doesnotexist', params: none },
      ],
    });
    expect(out[0]!.ok).toBe(true);
    expect(out[1]).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(out[1]!.ok === false && out[1]!.error.message).toMatch(/period/);
    expect(out[2]).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(out[3]).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('accepts 1 to 10 items', async () => {
    expect(errorCode(await wick.client.indicators.batch.query({ items: [] }).catch((e: unknown) => e))).toBe('BAD_REQUEST');
    const eleven = Array.from({ length: 11 }, (_, i) => ({ ...base, indicator: 'sma', params: { period: i + 2 } }));
    expect(errorCode(await wick.client.indicators.batch.query({ items: eleven }).catch((e: unknown) => e))).toBe('BAD_REQUEST');
  });
});

describe('budget', () => {
  it('items that cannot finish within the budget answer TIMEOUT; compute answers TIMEOUT', async () => {
    const tight = await startWick('budget', { overrides: { BUDGET_MS: 1 } });
    try {
      const { items: out } = await tight.client.indicators.batch.query({
        items: [
          { ...base, indicator: 'adx', params: none },
          { ...base, indicator: 'stoch', params: none },
        ],
      });
      expect(out.map((i) => (i.ok ? 'ok' : i.error.code))).toEqual(['TIMEOUT', 'TIMEOUT']);
      const err = await tight.client.indicators.compute.query({ ...base, indicator: 'cci', params: none }).catch((e: unknown) => e);
      expect(errorCode(err)).toBe('TIMEOUT');
      expect((await tight.client.health.query()).ok).toBe(true);
    } finally {
      await tight.close();
    }
  });
});
