import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, fetchKlines, KlineRequestError, type CandleInput } from '../src/index.ts';
import { FakeBinance } from './support/fake-binance.ts';
import { testLog } from './support/silent-log.ts';

const MINUTE = 60_000;
const T = Date.UTC(2025, 2, 1);

function minutes(from: number, count: number): CandleInput[] {
  return Array.from({ length: count }, (_, i) => ({
    time: from + i * MINUTE,
    open: 100 + i,
    high: 101 + i,
    low: 99 + i,
    close: 100.5 + i,
    volume: 2.5,
    quoteVolume: 251.25,
    trades: 7,
  }));
}

let binance: FakeBinance;
beforeAll(async () => {
  binance = await FakeBinance.start();
  binance.addRows('BTCUSDT', minutes(T - 100 * MINUTE, 3400));
});
afterAll(() => binance.close());

const options = () => ({ restUrl: binance.restUrl, clock: new VirtualClock(T), log: testLog });

describe('fetchKlines (GET /fapi/v1/klines)', () => {
  it('pages through a long gap 1,500 rows at a time and returns exactly the minutes asked', async () => {
    binance.klineRequests.length = 0;
    const candles = await fetchKlines('BTCUSDT', T, T + 3199 * MINUTE, options());
    expect(candles.map((c) => c.time)).toEqual(Array.from({ length: 3200 }, (_, i) => T + i * MINUTE));
    expect(candles[0]).toEqual({ time: T, open: 200, high: 201, low: 199, close: 200.5, volume: 2.5, quoteVolume: 251.25, trades: 7 });
    const end = T + 3200 * MINUTE - 1;
    expect(binance.klineRequests).toEqual([
      { symbol: 'BTCUSDT', interval: '1m', startTime: T, endTime: end, limit: 1500 },
      { symbol: 'BTCUSDT', interval: '1m', startTime: T + 1500 * MINUTE, endTime: end, limit: 1500 },
      { symbol: 'BTCUSDT', interval: '1m', startTime: T + 3000 * MINUTE, endTime: end, limit: 1500 },
    ]);
  });

  it('asks once for a short gap', async () => {
    binance.klineRequests.length = 0;
    const candles = await fetchKlines('BTCUSDT', T + 5 * MINUTE, T + 7 * MINUTE, options());
    expect(candles.map((c) => c.time)).toEqual([T + 5 * MINUTE, T + 6 * MINUTE, T + 7 * MINUTE]);
    expect(binance.klineRequests).toHaveLength(1);
  });

  it('waits out 429 (Retry-After) and 5xx, then carries on', async () => {
    binance.klineRequests.length = 0;
    binance.restFailures.push({ status: 429, retryAfterSeconds: 2 }, { status: 503 });
    const clock = new VirtualClock(T);
    const candles = await fetchKlines('BTCUSDT', T, T + MINUTE, { ...options(), clock });
    expect(candles).toHaveLength(2);
    expect(binance.klineRequests).toHaveLength(3);
    // The simulated clock moved by the Retry-After (2 s) plus one back-off step (≤ 500 ms).
    expect(clock.now() - T).toBeGreaterThanOrEqual(2000);
    expect(clock.now() - T).toBeLessThanOrEqual(2500);
  });

  it('gives up on a request Binance refuses outright (400) without retrying', async () => {
    binance.klineRequests.length = 0;
    await expect(fetchKlines('NOPEUSDT', T, T, options())).rejects.toBeInstanceOf(KlineRequestError);
    expect(binance.klineRequests).toHaveLength(1);
  });

  it('gives up after its attempts when the server keeps failing', async () => {
    binance.klineRequests.length = 0;
    binance.restFailures.push(...Array.from({ length: 3 }, () => ({ status: 502 })));
    await expect(fetchKlines('BTCUSDT', T, T, { ...options(), maxAttempts: 3 })).rejects.toThrow(/failed 3 times/);
    expect(binance.klineRequests).toHaveLength(3);
  });
});
