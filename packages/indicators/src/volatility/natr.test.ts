import { describe, expect, it } from 'vitest';
import { natr } from './natr.ts';
import { trange } from './trange.ts';
import { randomWalk } from '../../test/support/series.ts';
import { taLib } from '../../test/support/talib.ts';

describe('natr', () => {
  it('NATR(1) is true range / close · 100; TA-Lib 1.1.6 returns the raw true range for period 1 (TA-Lib is wrong)', () => {
    const c = randomWalk(500, 41);
    const ours = natr(c.high, c.low, c.close, 1);
    const tr = trange(c.high, c.low, c.close);
    const ta = taLib('NATR', { high: c.high, low: c.low, close: c.close }, { optInTimePeriod: 1 }).outReal!;
    for (let i = 1; i < 500; i++) {
      expect(ours[i]).toBeCloseTo((tr[i]! / c.close[i]!) * 100, 12);
      expect(ta[i]).toBe(tr[i]);
    }
  });
});
