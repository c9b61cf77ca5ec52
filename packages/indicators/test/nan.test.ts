/**
 * NaN policy. computeIndicator refuses non-finite inputs (InvalidInputError, see api.test.ts).
 * The raw kernels follow IEEE arithmetic like TA-Lib, and the contract test checks that they put NaN
 * exactly where TA-Lib does — except for the two kernels below, whose rule is checked here.
 */
import { describe, expect, it } from 'vitest';
import { bbands, obv } from '../src/index.ts';
import { randomWalk } from '@wick/testkit';
import { slice } from './support/series.ts';
import { references } from './support/references.ts';
import { taLib } from './support/talib.ts';

describe('NaN inputs where Wick differs from TA-Lib', () => {
  it('bbands: NaN exactly in the windows that contain a NaN, exact values elsewhere (TA-Lib: NaN from the first NaN on)', () => {
    const c = randomWalk(3_000, { seed: 21 });
    c.close[700] = NaN;
    c.close[1_800] = NaN;
    const period = 20;
    const out = bbands(c.close, period, 2);
    const ta = taLib('BBANDS', { inReal: c.close }, { optInTimePeriod: period, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 });
    const arbiter = references.bbands!.arbiter!;
    for (let i = period - 1; i < 3_000; i++) {
      const spoiled = (i >= 700 && i < 700 + period) || (i >= 1_800 && i < 1_800 + period);
      expect(Number.isNaN(out.middle[i]!), `middle[${i}]`).toBe(spoiled);
      expect(Number.isNaN(out.percentB[i]!), `percentB[${i}]`).toBe(spoiled);
      if (spoiled) continue;
      const exact = arbiter(c, { period, stdDev: 2 }, 'upper', i);
      expect(Math.abs(out.upper[i]! - exact) / exact).toBeLessThan(1e-12);
      if (i < 700) expect(Math.abs(out.upper[i]! - ta.outRealUpperBand![i]!) / exact).toBeLessThan(1e-9);
      else expect(ta.outRealUpperBand![i]).toBeNaN();
    }
  });

  it('obv: equals TA-Lib before the first NaN volume, NaN from it on', () => {
    const c = randomWalk(2_000, { seed: 22 });
    c.volume[900] = NaN;
    const out = obv(c.close, c.volume);
    const ta = taLib('OBV', { inReal: c.close, volume: c.volume }).outReal!;
    for (let i = 0; i < 900; i++) expect(out[i]).toBe(ta[i]);
    for (let i = 900; i < 2_000; i++) expect(out[i]).toBeNaN();
    // A NaN close alone: that bar and the next count as unchanged, as in TA-Lib.
    const d = slice(c, 0, 900);
    d.close[400] = NaN;
    const o2 = obv(d.close, d.volume);
    const t2 = taLib('OBV', { inReal: d.close, volume: d.volume }).outReal!;
    for (let i = 0; i < 900; i++) expect(o2[i]).toBe(t2[i]);
  });
});
