import { describe, expect, it } from 'vitest';
import { randomWalk } from '@wick/testkit';
import { natr } from '../src/index.ts';
import { taLib } from './support/talib.ts';

/** True range from its definition: the largest of the bar's range and its two gaps to the previous close. */
const definitionTr = (h: number, l: number, prevClose: number): number => Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));

describe('natr', () => {
  it('NATR(1) on a hand-computed example: true range / close · 100', () => {
    // Bar 1: range 2, gap up to the high 12 − 9.5 = 2.5 → TR 2.5; bar 2: range 3, gap down 11 − 8 = 3 → TR 3.
    const out = natr(Float64Array.of(10, 12, 11), Float64Array.of(9, 10, 8), Float64Array.of(9.5, 11, 9), 1);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo((2.5 / 11) * 100, 12);
    expect(out[2]).toBeCloseTo((3 / 9) * 100, 12);
  });

  it('NATR(1) is true range / close · 100 on a walk; TA-Lib 1.1.6 returns the raw true range for period 1 (TA-Lib is wrong)', () => {
    const c = randomWalk(500, { seed: 41 });
    const ours = natr(c.high, c.low, c.close, 1);
    const ta = taLib('NATR', { high: c.high, low: c.low, close: c.close }, { optInTimePeriod: 1 }).outReal!;
    for (let i = 1; i < 500; i++) {
      const tr = definitionTr(c.high[i]!, c.low[i]!, c.close[i - 1]!);
      expect(ours[i]).toBeCloseTo((tr / c.close[i]!) * 100, 12);
      expect(ta[i]).toBe(tr);
    }
  });
});
