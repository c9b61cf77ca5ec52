import { emptyCandleColumns, type CandleColumns } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { candleDelta } from './candle-delta.ts';

const MINUTE = 60_000;

function tail(from: number, closes: number[]): CandleColumns {
  const c = emptyCandleColumns(closes.length);
  closes.forEach((close, i) => {
    c.time[i] = (from + i) * MINUTE;
    c.open[i] = 1;
    c.high[i] = close + 1;
    c.low[i] = 0.5;
    c.close[i] = close;
    c.volume[i] = 10;
  });
  return c;
}

describe('candleDelta', () => {
  it('is the candles that differ from the older tail: the moved open candle, the appended ones', () => {
    expect(Array.from(candleDelta(tail(0, [1, 2, 3]), tail(0, [1, 2, 3.5]), '1m').changed.time)).toEqual([2 * MINUTE]);
    const appended = candleDelta(tail(0, [1, 2, 3.5]), tail(1, [2, 3.5, 4, 5]), '1m');
    expect(Array.from(appended.changed.close)).toEqual([4, 5]);
    expect(appended.hole).toBe(false);
    expect(candleDelta(tail(1, [2, 3.5, 4, 5]), tail(1, [2, 3.5, 4, 5]), '1m').changed.time).toHaveLength(0);
  });

  it('reports a hole when the newer tail starts after the older one ends plus one width', () => {
    expect(candleDelta(tail(0, [1, 2]), tail(2, [3]), '1m').hole).toBe(false);
    expect(candleDelta(tail(0, [1, 2]), tail(10, [9]), '1m').hole).toBe(true);
  });
});
