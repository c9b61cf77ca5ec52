import { describe, expect, it } from 'vitest';
import { randomWalk } from '@wick/testkit';
import { mfi } from '../src/index.ts';
import { taLib } from './support/talib.ts';

describe('mfi', () => {
  it('does not depend on the unit of volume; TA-Lib 1.1.6 reads 0 once the window flow is below 1.0 (TA-Lib is wrong)', () => {
    const c = randomWalk(2_000, { seed: 31 });
    const small = c.volume.map((v) => v * 1e-6);
    const ours = mfi(c.high, c.low, c.close, c.volume, 14);
    const oursSmall = mfi(c.high, c.low, c.close, small, 14);
    const ta = taLib('MFI', { high: c.high, low: c.low, close: c.close, volume: small }, { optInTimePeriod: 14 }).outReal!;
    let taZeros = 0;
    for (let i = 14; i < 2_000; i++) {
      expect(Math.abs(oursSmall[i]! - ours[i]!)).toBeLessThan(1e-9);
      if (ta[i] === 0 && ours[i]! > 1) taZeros++;
    }
    expect(taZeros).toBeGreaterThan(1_900);
  });

  it('is 0 exactly when no bar of the window has a flow, also after flows left (no running-sum residue)', () => {
    const n = 60;
    const h = new Float64Array(n);
    const l = new Float64Array(n);
    const c = new Float64Array(n);
    const v = new Float64Array(n).fill(3);
    for (let i = 0; i < n; i++) {
      const p = i < 20 ? 100 + Math.sin(i) * 3 : 50;
      h[i] = p + 0.3;
      l[i] = p - 0.7;
      c[i] = p;
    }
    const out = mfi(h, l, c, v, 5);
    // Bar 20 falls (a negative flow), then the typical price never moves again: from bar 24 on the
    // window of 5 changes holds no positive flow, from bar 25 no flow at all. Both read exactly 0,
    // not residue / residue.
    expect(out[23]).toBeGreaterThan(0);
    for (let i = 24; i < n; i++) expect(out[i]).toBe(0);
  });
});
