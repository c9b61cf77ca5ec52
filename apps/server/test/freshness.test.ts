import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@wick/server';
import { startWick, type Wick } from '@wick/server/testing';

let wick: Wick;
beforeAll(async () => {
  wick = await startWick('warmer', { env: { WARM: 'BTCUSDT:1m:rsi,ETHUSDT:1m:macd' } });
});
afterAll(() => wick?.close());

describe('warmer', () => {
  it('configured views are cached before anyone asks for them', async () => {
    await wick.server.warmer.firstPass();
    expect(wick.server.warmer.stats().successes).toBeGreaterThanOrEqual(2);
    const rsi = await wick.client.indicators.compute.query({ symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', limit: 500 });
    const macd = await wick.client.indicators.compute.query({ symbol: 'ETHUSDT', interval: '1m', indicator: 'macd', limit: 500 });
    expect([rsi.cache.status, macd.cache.status]).toEqual(['hit', 'hit']);
    const cold = await wick.client.indicators.compute.query({ symbol: 'ETHUSDT', interval: '1m', indicator: 'rsi', limit: 500 });
    expect(cold.cache.status).toBe('miss');
  });

  it('a malformed WARM list is a configuration error naming the item format', () => {
    expect(() => loadConfig({ WARM: 'BTCUSDT-1m-rsi' })).toThrow(/BTCUSDT:1m:rsi/);
  });
});

describe('stale-while-revalidate', () => {
  it('past its TTL an entry is served at once marked stale, and refreshed behind it', async () => {
    const swr = await startWick('swr', { env: { WICK_CACHE_TTL: '{"1m":{"recent":1,"historical":1}}' } });
    try {
      const q = { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'rsi', limit: 100 };
      const first = await swr.client.indicators.compute.query(q);
      expect(first.cache.status).toBe('miss');
      await new Promise((r) => setTimeout(r, 1500));
      const engineRuns = () => swr.server.engine.stats().completed + swr.server.engine.stats().inlineRuns;
      const runsBeforeStale = engineRuns();
      const stale = await swr.client.indicators.compute.query(q);
      expect(stale.cache.status).toBe('stale');
      expect(stale.values).toEqual(first.values);
      // The refresh runs behind the stale answer; poll until a reader sees the refreshed entry.
      let refreshed = stale;
      for (let i = 0; i < 200 && refreshed.cache.status === 'stale'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        refreshed = await swr.client.indicators.compute.query(q);
      }
      expect(refreshed.cache.status).toBe('hit');
      // A new entry, computed once behind the stale answer, with the same values (no candle changed).
      expect(engineRuns() - runsBeforeStale).toBe(1);
      expect(refreshed.values).toEqual(first.values);
    } finally {
      await swr.close();
    }
  });
});
