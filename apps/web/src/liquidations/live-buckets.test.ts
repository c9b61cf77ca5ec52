import type { LiquidationRow } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { addLive } from './live-buckets.ts';

const MIN = 60_000;
const live = (id: number, symbol: string, side: 'BUY' | 'SELL', time: number, usd: string, receivedAt: number) => ({
  row: { id, symbol, side, orderTradeTime: time, usd } as LiquidationRow,
  receivedAt,
});

describe('live liquidations on the summary buckets', () => {
  it('adds rows of the symbol received after the summary was read to their candle, longs for SELL, shorts for BUY', () => {
    const buckets = [{ bucket: 10 * MIN, longUsd: 100, shortUsd: 0, longCount: 1, shortCount: 0 }];
    const out = addLive(
      buckets,
      [
        live(1, 'BTCUSDT', 'SELL', 10 * MIN + 5, '50', 200), // same candle: added
        live(2, 'BTCUSDT', 'BUY', 12 * MIN + 59_999, '30', 200), // a new bucket
        live(3, 'BTCUSDT', 'SELL', 10 * MIN + 9, '1000', 100), // arrived before the read: the summary holds it
        live(4, 'ETHUSDT', 'SELL', 10 * MIN + 9, '1000', 200), // another symbol
        live(5, 'BTCUSDT', 'SELL', 5 * MIN, '1000', 200), // before the chart's first candle
      ],
      'BTCUSDT',
      '1m',
      9 * MIN,
      150,
    );
    expect(out).toEqual([
      { bucket: 10 * MIN, longUsd: 150, shortUsd: 0, longCount: 2, shortCount: 0 },
      { bucket: 12 * MIN, longUsd: 0, shortUsd: 30, longCount: 0, shortCount: 1 },
    ]);
    expect(buckets[0]!.longUsd).toBe(100); // the summary's own buckets are not changed
  });
});
