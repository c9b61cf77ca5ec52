import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';
import { startWick, type Wick } from './harness.ts';

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
