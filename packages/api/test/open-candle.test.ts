import { candleOpenTime, INTERVAL_MS, isCandleOpen, type Interval } from '@wick/market';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataTtl } from '../src/services/data-ttl.ts';
import { openTimeOf, windowTtlSeconds } from '../src/services/open-candle.ts';
import { INGEST_KEY, startApiHarness, type ApiHarness } from './support/api-harness.ts';

const MINUTE = 60_000;
/** A short `recent` TTL, so a test can outlive it; `historical` stays long. */
const TTL = { recent: 1, historical: 3600 };
let api: ApiHarness;
/** The open time of the candle this test writes at the present (BTCUSDT only; ETHUSDT keeps its 2024 candles). */
let now1m: number;

beforeAll(async () => {
  api = await startApiHarness('open_candle', { ttl: { '1m': TTL, '1h': TTL, '1d': TTL } });
  now1m = candleOpenTime('1m', Date.now());
  const candle = { time: now1m, open: 100, high: 101, low: 99, close: 100.5, volume: 3 };
  await api.caller({ apiKey: INGEST_KEY }).candles.ingest({ symbol: 'BTCUSDT', interval: '1m', candles: [candle] });
});
afterAll(() => api?.close());

/**
 * The answer's openTime for a candle at `openTime`, given the clock before and after the call: at
 * a candle's close the answer may fall on either side, and both are right.
 */
function expectOpenTime(actual: number | null, interval: Interval, openTime: number, before: number, after: number) {
  const at = (now: number) => (isCandleOpen(interval, openTime, now) ? openTime : null);
  expect([at(before), at(after)]).toContain(actual);
}

describe('openTime marks the still-open candle', () => {
  it('null when every candle of the window has closed: candles.range, indicators.compute, dashboard.snapshot', async () => {
    const q = { symbol: 'ETHUSDT', interval: '1m' as const, limit: 50 };
    expect((await api.caller().candles.range(q)).openTime).toBeNull();
    expect((await api.caller().indicators.compute({ ...q, indicator: 'rsi' })).openTime).toBeNull();
    const snapshot = await api.caller().dashboard.snapshot({ ...q, indicators: [{ indicator: 'ema', params: {} }] });
    expect(snapshot.candles?.openTime).toBeNull();
    expect(snapshot.indicators?.map((i) => (i.ok ? i.openTime : 'failed'))).toEqual([null]);
  });

  for (const interval of ['1m', '1h', '1d'] as const) {
    it(`${interval}: the open time of the window's last candle while it is open, in every answer`, async () => {
      const open = candleOpenTime(interval, now1m);
      const q = { symbol: 'BTCUSDT', interval, limit: 5 };
      const before = Date.now();
      const candles = await api.caller().candles.range(q);
      const rsi = await api.caller().indicators.compute({ ...q, indicator: 'sma', params: { period: 2 } });
      const snapshot = await api.caller().dashboard.snapshot({ ...q, indicators: [{ indicator: 'sma', params: { period: 2 } }] });
      const batch = await api.caller().indicators.batch({ items: [{ ...q, indicator: 'ema', params: { period: 2 } }] });
      const after = Date.now();
      expect(candles.candles.time.at(-1)).toBe(open);
      expect(rsi.time.at(-1)).toBe(open);
      expectOpenTime(candles.openTime, interval, open, before, after);
      expectOpenTime(rsi.openTime, interval, open, before, after);
      expectOpenTime(snapshot.candles!.openTime, interval, open, before, after);
      const [item] = snapshot.indicators!;
      expectOpenTime(item?.ok ? item.openTime : -1, interval, open, before, after);
      const [batched] = batch.items;
      expectOpenTime(batched?.ok ? batched.openTime : -1, interval, open, before, after);
    });
  }
});

describe('the TTL follows the data, not the request', () => {
  it('windows whose candles have all closed stay fresh past the recent TTL whatever their `to`; windows with the open candle do not', async () => {
    const ethEnd = api.candles.ETHUSDT.time.at(-1)!;
    const closed = [
      { symbol: 'ETHUSDT', interval: '1m' as const, limit: 30 },
      // `to` in the future: the request reaches the present, its candles do not.
      { symbol: 'ETHUSDT', interval: '1m' as const, to: Date.now() + 3_600_000, limit: 30 },
      { symbol: 'ETHUSDT', interval: '1h' as const, limit: 5 },
    ];
    const holdingOpen = [{ symbol: 'BTCUSDT', interval: '1d' as const, limit: 3 }];
    const indicator = { indicator: 'sma', params: { period: 2 } };
    for (const q of [...closed, ...holdingOpen]) {
      expect((await api.caller().candles.range(q)).cache.status).toBe('miss');
      expect((await api.caller().indicators.compute({ ...q, ...indicator })).cache.status).toBe('miss');
    }
    // Past the recent TTL (1 s): an entry stored as `recent` is stale by now, a `historical` one is not.
    await sleep(2 * TTL.recent * 1000 + 200);
    for (const q of closed) {
      const candles = await api.caller().candles.range(q);
      expect(candles.cache.status, JSON.stringify(q)).toBe('hit');
      expect(candles.candles.time.at(-1)).toBeLessThanOrEqual(ethEnd);
      expect((await api.caller().indicators.compute({ ...q, ...indicator })).cache.status, JSON.stringify(q)).toBe('hit');
    }
    for (const q of holdingOpen) {
      expect((await api.caller().candles.range(q)).cache.status).toBe('stale');
      expect((await api.caller().indicators.compute({ ...q, ...indicator })).cache.status).toBe('stale');
    }
  });

  it('windowTtlSeconds: historical when the last candle has closed, recent while it is open, by `to` (else now) when empty', () => {
    const cache = api.cache;
    const now = Date.UTC(2025, 5, 1, 12, 30, 20);
    const closedAt = now - 2 * MINUTE;
    const openAt = candleOpenTime('1m', now);
    expect(windowTtlSeconds(cache, '1m', [closedAt - MINUTE, closedAt], now + 3_600_000, now)).toBe(TTL.historical);
    expect(windowTtlSeconds(cache, '1m', [closedAt, openAt], undefined, now)).toBe(TTL.recent);
    expect(windowTtlSeconds(cache, '1m', [], undefined, now)).toBe(TTL.recent);
    expect(windowTtlSeconds(cache, '1m', [], closedAt, now)).toBe(TTL.historical);
    expect(windowTtlSeconds(cache, '1h', [candleOpenTime('1h', now)], undefined, now)).toBe(TTL.recent);
    expect(windowTtlSeconds(cache, '1h', [candleOpenTime('1h', now) - INTERVAL_MS['1h']], undefined, now)).toBe(TTL.historical);
  });

  it('openTimeOf: the last candle while its close time is after now, else null', () => {
    const now = Date.UTC(2025, 5, 1, 12, 30, 20);
    expect(openTimeOf('1m', [], now)).toBeNull();
    expect(openTimeOf('1m', [candleOpenTime('1m', now) - MINUTE], now)).toBeNull();
    expect(openTimeOf('1m', [candleOpenTime('1m', now) - MINUTE, candleOpenTime('1m', now)], now)).toBe(candleOpenTime('1m', now));
    // A candle closes exactly at open + width.
    expect(openTimeOf('1m', [now - (now % MINUTE)], now - (now % MINUTE) + MINUTE)).toBeNull();
    expect(openTimeOf('1d', [candleOpenTime('1d', now)], now)).toBe(candleOpenTime('1d', now));
  });

  it('DataTtl answers the initial TTL until a value is observed, then the value’s; undefined changes nothing', () => {
    const ttl = new DataTtl<number[]>(7, (v) => v.length);
    expect(ttl.ttlSeconds).toBe(7);
    expect(ttl.observe([1, 2, 3])).toEqual([1, 2, 3]);
    expect(ttl.ttlSeconds).toBe(3);
    expect(ttl.observe(undefined)).toBeUndefined();
    expect(ttl.ttlSeconds).toBe(3);
  });
});
