import { describe, expect, it } from 'vitest';
import { createStreamingState, fastK, rsi, STOCHRSI_MIN_RANGE, stochrsi } from '../src/index.ts';
import { spike } from './support/series.ts';
import { taLib } from './support/talib.ts';

const N = 800;
const AT = 100;
// RSI(14) takes in the spike at AT and its fall at AT + 1; a %K window of 14 holds neither from AT + 14 on.
const FLAT_FROM = AT + 14;
const c = spike(N, AT);

describe('stochrsi on a flat series after a single spike', () => {
  it('RSI is flat there in theory; what moves is rounding wobble, far below STOCHRSI_MIN_RANGE', () => {
    const r = rsi(c.close, 14);
    let wobble = 0;
    let drops = 0;
    for (let i = FLAT_FROM; i < N; i++) {
      let hi = -Infinity;
      let lo = Infinity;
      for (let j = i - 13; j <= i; j++) {
        hi = Math.max(hi, r[j]!);
        lo = Math.min(lo, r[j]!);
      }
      // Once gain + loss decays below 1e-14, TA-Lib's zero rule makes RSI 0: a real step, not wobble.
      if (hi - lo > 1) drops++;
      else wobble = Math.max(wobble, hi - lo);
    }
    expect(wobble).toBeGreaterThan(0);
    expect(wobble).toBeLessThan(STOCHRSI_MIN_RANGE / 1_000);
    expect(drops).toBeLessThanOrEqual(14);
  });

  it('%K reads 0 and %D ~0 (flat window) where TA-Lib 1.1.6 swings to full scale on the wobble (TA-Lib is wrong)', () => {
    const ours = stochrsi(c.close, 14, 14, 3);
    const ta = taLib(
      'STOCHRSI',
      { inReal: c.close },
      { optInTimePeriod: 14, optInFastK_Period: 14, optInFastD_Period: 3, optInFastD_MAType: 0 },
    );
    let taFullScale = 0;
    for (let i = FLAT_FROM; i < N; i++) {
      expect(ours.k[i], `k[${i}]`).toBe(0);
      // %D is TA-Lib's running-sum SMA of %K: what left the window leaves ~1e-15 of residue.
      if (i >= FLAT_FROM + 2) expect(Math.abs(ours.d[i]!), `d[${i}]`).toBeLessThan(1e-12);
      if (ta.outFastK![i]! >= 50) taFullScale++;
    }
    expect(taFullScale).toBeGreaterThan(100);
    // Before the spike has left the window the range is real and both agree.
    for (let i = AT; i < FLAT_FROM; i++) expect(Math.abs(ours.k[i]! - ta.outFastK![i]!)).toBeLessThan(1e-9);
  });

  it('streams the same values', () => {
    const batch = stochrsi(c.close, 14, 14, 3);
    const s = createStreamingState('stochrsi', {}, undefined);
    for (let i = 0; i < N; i++) {
      const v = s.add({ time: c.time[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! });
      expect(Object.is(v.k, batch.k[i]) && Object.is(v.d, batch.d[i]), `${i}`).toBe(true);
    }
  });

  it('the rule is a threshold on the window range only: just above it %K is computed as TA-Lib does', () => {
    // Range 2e-8 (above 1e-8): (close − lowest)/(range/100).
    expect(fastK(50 + 1e-8, 50 + 2e-8, 50, STOCHRSI_MIN_RANGE)).toBeCloseTo(50, 4);
    // Range 5e-9 (below): flat, 0.
    expect(fastK(50 + 5e-9, 50 + 5e-9, 50, STOCHRSI_MIN_RANGE)).toBe(0);
    // TA-Lib's own rule (minRange 0) keeps any non-zero range.
    expect(fastK(50 + 5e-9, 50 + 5e-9, 50, 0)).toBeCloseTo(100, 4);
  });
});
