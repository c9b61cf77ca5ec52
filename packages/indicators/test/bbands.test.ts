import { describe, expect, it } from 'vitest';
import { randomWalk } from '@wick/testkit';
import { bbands } from '../src/index.ts';
import { taLib } from './support/talib.ts';
import { references } from './support/references.ts';

describe('bbands', () => {
  it('keeps its bands on an asset priced ~3e-6; TA-Lib 1.1.6 zeroes variances below 1e-14 and collapses them (TA-Lib is wrong)', () => {
    const c = randomWalk(3_000, { seed: 51, startPrice: 3e-6 });
    const ours = bbands(c.close, 20, 2);
    const ta = taLib('BBANDS', { inReal: c.close }, { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 });
    const exact = references.bbands!.arbiter!;
    let collapsed = 0;
    for (let i = 19; i < 3_000; i++) {
      const up = exact(c, { period: 20, stdDev: 2 }, 'upper', i);
      expect(Math.abs(ours.upper[i]! - up) / up).toBeLessThan(1e-12);
      if (ta.outRealUpperBand![i] === ta.outRealMiddleBand![i]) collapsed++;
    }
    expect(collapsed).toBeGreaterThan(2_000);
  });

  it('%B of BBANDS(2, 1) stays 0 or 1 (close sits on a band) over 100k candles; from TA-Lib 1.1.6 bands it does not (TA-Lib is wrong)', () => {
    const c = randomWalk(100_000, { seed: 52 });
    const { percentB } = bbands(c.close, 2, 1);
    const ta = taLib('BBANDS', { inReal: c.close }, { optInTimePeriod: 2, optInNbDevUp: 1, optInNbDevDn: 1, optInMAType: 0 });
    // Worst error over all bars, and over bars whose band is at least 1e-4 of the price wide
    // (narrower bands make %B ill-conditioned: an ulp of the price is then a visible part of it).
    const worst = { ours: 0, theirs: 0, oursWide: 0, theirsWide: 0 };
    for (let i = 1; i < 100_000; i++) {
      const truth = c.close[i]! > c.close[i - 1]! ? 1 : c.close[i]! < c.close[i - 1]! ? 0 : 0.5;
      const up = ta.outRealUpperBand![i]!;
      const lo = ta.outRealLowerBand![i]!;
      const ours = Math.abs(percentB[i]! - truth);
      const theirs = Math.abs((c.close[i]! - lo) / (up - lo) - truth);
      worst.ours = Math.max(worst.ours, ours);
      worst.theirs = Math.max(worst.theirs, theirs);
      if (Math.abs(c.close[i]! - c.close[i - 1]!) >= 1e-4 * c.close[i]!) {
        worst.oursWide = Math.max(worst.oursWide, ours);
        worst.theirsWide = Math.max(worst.theirsWide, theirs);
      }
    }
    expect(worst.ours).toBeLessThan(1e-4);
    expect(worst.theirs).toBeGreaterThan(0.1);
    expect(worst.oursWide).toBeLessThan(1e-11);
    expect(worst.theirsWide).toBeGreaterThan(1e-6);
  });
});
