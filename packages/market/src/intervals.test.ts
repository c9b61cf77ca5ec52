import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTERVALS, INTERVAL_MS, candleOpenTime, isCandleOpen, isInterval } from './intervals.ts';

describe('intervals', () => {
  it('aligns buckets to UTC as Binance does (1d at 00:00, 4h at 00/04/…/20)', () => {
    const t = Date.UTC(2024, 2, 5, 13, 47, 12, 345);
    expect(candleOpenTime('1d', t)).toBe(Date.UTC(2024, 2, 5));
    expect(candleOpenTime('4h', t)).toBe(Date.UTC(2024, 2, 5, 12));
    expect(candleOpenTime('1h', t)).toBe(Date.UTC(2024, 2, 5, 13));
    expect(candleOpenTime('15m', t)).toBe(Date.UTC(2024, 2, 5, 13, 45));
    expect(candleOpenTime('5m', t)).toBe(Date.UTC(2024, 2, 5, 13, 45));
    expect(candleOpenTime('1m', t)).toBe(Date.UTC(2024, 2, 5, 13, 47));
  });

  it('every instant lies in exactly one bucket of each interval, and coarser buckets nest finer ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        for (const i of INTERVALS) {
          const open = candleOpenTime(i, ms);
          // ms lies in the bucket [open, open + width): the offset divided by the width is exactly 0.
          expect(Math.floor((ms - open) / INTERVAL_MS[i])).toBe(0);
          expect(new Date(open).getUTCSeconds()).toBe(0);
        }
        expect(candleOpenTime('1h', candleOpenTime('5m', ms))).toBe(candleOpenTime('1h', ms));
      }),
    );
  });

  it('a candle is open until its close time has passed', () => {
    const open = Date.UTC(2024, 0, 1, 10);
    expect(isCandleOpen('1h', open, open + 59 * 60_000)).toBe(true);
    expect(isCandleOpen('1h', open, open + 60 * 60_000)).toBe(false);
  });

  it('knows its names', () => {
    expect(isInterval('4h')).toBe(true);
    expect(isInterval('3m')).toBe(false);
    expect(isInterval(5)).toBe(false);
  });
});
