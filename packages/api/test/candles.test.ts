import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candleArrays, INGEST_KEY, startApiHarness, trpcError, wireError, type ApiHarness } from './support/api-harness.ts';

const MINUTE = 60_000;
let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness('candles');
});
afterAll(() => api?.close());

describe('candles.range', () => {
  it('answers the last `limit` candles up to `to` exactly as inserted: a miss, then a hit', async () => {
    const btc = api.candles.BTCUSDT;
    const input = { symbol: 'BTCUSDT', interval: '1m', to: btc.time[999]!, limit: 200 } as const;
    const loadsBefore = api.metrics.candleDbLoads;

    const first = await api.caller().candles.range(input);
    expect(first.candles).toEqual(candleArrays(btc, 800, 1000));
    expect(first.cache.status).toBe('miss');
    expect(api.lastContext().cacheOutcomes).toEqual({ hit: 0, miss: 1, stale: 0, bypass: 0 });

    const second = await api.caller().candles.range(input);
    expect(second.candles).toEqual(first.candles);
    expect(second.cache.status).toBe('hit');
    expect(api.lastContext().cacheOutcomes).toEqual({ hit: 1, miss: 0, stale: 0, bypass: 0 });
    expect(api.metrics.candleDbLoads - loadsBefore).toBe(1);
  });

  it('answers the first `limit` candles from `from`, and takes the symbol in any case', async () => {
    const eth = api.candles.ETHUSDT;
    const r = await api.caller().candles.range({ symbol: ' ethusdt ', interval: '1m', from: eth.time[100]!, limit: 50 });
    expect(r.symbol).toBe('ETHUSDT');
    expect(r.candles).toEqual(candleArrays(eth, 100, 150));
  });

  it('sees candles ingested after a cached read at once: the cached window is advanced from the series head', async () => {
    const eth = api.candles.ETHUSDT;
    const last = eth.time.length - 1;
    const next = eth.time[last]! + MINUTE;
    const input = { symbol: 'ETHUSDT', interval: '1m', to: next, limit: 3 } as const;
    await api.caller().candles.range(input);
    expect((await api.caller().candles.range(input)).cache.status).toBe('hit');

    const candle = { time: next, open: 10, high: 12, low: 9, close: 11, volume: 5 };
    const ingested = await api.caller({ apiKey: INGEST_KEY }).candles.ingest({ symbol: 'ETHUSDT', interval: '1m', candles: [candle] });
    expect(ingested).toEqual({ symbol: 'ETHUSDT', interval: '1m', received: 1, affected: 1 });

    const loadsBefore = api.metrics.candleDbLoads;
    const advancedBefore = (await api.cache.stats()).advanced;
    const after = await api.caller().candles.range(input);
    expect(after.cache.status).toBe('hit');
    expect((await api.cache.stats()).advanced - advancedBefore).toBe(1);
    expect(api.metrics.candleDbLoads).toBe(loadsBefore);
    expect(after.candles.time).toEqual([eth.time[last - 1], eth.time[last], next]);
    expect(after.candles.close.at(-1)).toBe(11);
  });

  it('a correction of an older candle drops the cached windows of the series (a miss with the corrected candle)', async () => {
    const btc = api.candles.BTCUSDT;
    const input = { symbol: 'BTCUSDT', interval: '1m', to: btc.time[599]!, limit: 100 } as const;
    await api.caller().candles.range(input);
    expect((await api.caller().candles.range(input)).cache.status).toBe('hit');

    const i = 550;
    const fixed = { time: btc.time[i]!, open: btc.open[i]!, high: btc.high[i]! + 1, low: btc.low[i]!, close: btc.close[i]!, volume: 7 };
    await api.caller({ apiKey: INGEST_KEY }).candles.ingest({ symbol: 'BTCUSDT', interval: '1m', candles: [fixed] });

    const advancedBefore = (await api.cache.stats()).advanced;
    const after = await api.caller().candles.range(input);
    expect(after.cache.status).toBe('miss');
    expect((await api.cache.stats()).advanced).toBe(advancedBefore);
    expect(after.candles.high[i - 500]).toBe(fixed.high);
    expect(after.candles.volume[i - 500]).toBe(7);
  });

  it('an unknown symbol is NOT_FOUND and points at symbols.list', async () => {
    const err = await trpcError(api.caller().candles.range({ symbol: 'NOPEUSDT', interval: '1m', limit: 10 }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('NOPEUSDT');
    expect(err.message).toContain('symbols.list');
  });

  it('bad input is BAD_REQUEST with an error per field', async () => {
    const input = { symbol: 'BTC-USDT', interval: '2m', from: Date.UTC(2024, 0, 2), to: Date.UTC(2024, 0, 1), limit: 0 };
    // @ts-expect-error -- '2m' is no interval: the point is how the router answers a client that sends one anyway
    const err = await trpcError(api.caller().candles.range(input));
    expect(err.code).toBe('BAD_REQUEST');
    const shape = wireError(err, 'candles.range');
    expect(Object.keys(shape.data.fieldErrors ?? {}).sort()).toEqual(['interval', 'limit', 'symbol']);
    expect(shape.data.fieldErrors?.symbol).toEqual(['must be 2–20 letters or digits, e.g. BTCUSDT']);
    expect(shape.message).toMatch(/^Invalid input — /);
  });

  it('from after to is BAD_REQUEST on the from field', async () => {
    const err = await trpcError(
      api.caller().candles.range({ symbol: 'BTCUSDT', interval: '1m', from: Date.UTC(2024, 0, 2), to: Date.UTC(2024, 0, 1), limit: 10 }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(wireError(err, 'candles.range').data.fieldErrors).toEqual({ from: ['from must not be after to'] });
  });
});
