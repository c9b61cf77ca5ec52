import { describe, expect, it } from 'vitest';
import { mergeCandles, type Candles } from './candles.ts';

const page = (times: number[], close: number): Candles => ({
  time: times,
  open: times.map(() => 1),
  high: times.map(() => 2),
  low: times.map(() => 0.5),
  close: times.map(() => close),
  volume: times.map(() => 10),
});

describe('merging candle pages', () => {
  it('orders pages by time, drops overlaps, and lets the last page win (the live candle)', () => {
    const merged = mergeCandles([page([300, 400, 500], 1), page([100, 200, 300], 2), page([500, 600], 3)]);
    expect(merged.time).toEqual([100, 200, 300, 400, 500, 600]);
    expect(merged.close).toEqual([2, 2, 2, 1, 3, 3]);
  });
});
