import { describe, expect, it } from 'vitest';
import type { Candles } from '../chart/candles.ts';
import { mergeCandleTail, mergeIndicatorTail } from './tail-merge.ts';

const candles = (times: number[], close: number): Candles => ({
  time: times,
  open: times.map(() => 1),
  high: times.map(() => 2),
  low: times.map(() => 0.5),
  close: times.map(() => close),
  volume: times.map((t) => t / 100),
});

describe('a live tail on a loaded series', () => {
  it('moves the open candle and appends closed ones; earlier candles are kept as they were', () => {
    const merged = mergeCandleTail(candles([100, 200, 300], 1), candles([300, 400], 2));
    expect(merged.time).toEqual([100, 200, 300, 400]);
    expect(merged.close).toEqual([1, 1, 2, 2]);
    expect(merged.volume).toEqual([1, 2, 3, 4]);
  });

  it('a tail that reaches back past the end replaces every candle it holds, and interleaves with any it skips', () => {
    const merged = mergeCandleTail(candles([100, 200, 300, 400], 1), candles([200, 400, 500], 3));
    expect(merged.time).toEqual([100, 200, 300, 400, 500]);
    expect(merged.close).toEqual([1, 3, 1, 3, 3]);
  });

  it('keeps only the newest `limit` candles, and an empty tail changes nothing', () => {
    expect(mergeCandleTail(candles([100, 200, 300], 1), candles([400, 500], 2), 3).time).toEqual([300, 400, 500]);
    expect(mergeCandleTail(candles([100, 200], 1), candles([], 2))).toEqual(candles([100, 200], 1));
    expect(mergeCandleTail(candles([], 1), candles([100], 2)).close).toEqual([2]);
  });

  it('indicator tails replace values at their times and keep the warm-up nulls; an output only one side has is null on the other', () => {
    const merged = mergeIndicatorTail(
      { time: [1, 2, 3], values: { value: [null, 10, 11] } },
      { time: [3, 4], values: { value: [12, 13], signal: [5, 6] } },
    );
    expect(merged).toEqual({ time: [1, 2, 3, 4], values: { value: [null, 10, 12, 13], signal: [null, null, 5, 6] } });
    expect(mergeIndicatorTail({ time: [1, 2], values: { v: [1, 2] } }, { time: [3], values: { v: [3] } }, 2)).toEqual({
      time: [2, 3],
      values: { v: [2, 3] },
    });
  });
});
