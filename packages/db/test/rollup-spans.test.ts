import { INTERVAL_MS, ROLLUP_INTERVALS } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal } from '../src/canonical-decimal.ts';
import { coveringSpan, ROLLUP_STEPS, touchedSpans } from '../src/rollup/cascade.ts';
import { daysOf } from '../src/rollup/minute-days.ts';
import { seedSpan } from '../src/seed/seed.ts';

const M = 60_000;
const D0 = Date.UTC(2024, 0, 2);

describe('roll-up spans (pure)', () => {
  it('cascades 1m → 5m → 15m → 1h → 4h → 1d, each bucket from at most 6 rows of the level below', () => {
    expect(ROLLUP_STEPS.map((s) => `${s.from}>${s.interval}`)).toEqual(['1m>5m', '5m>15m', '15m>1h', '1h>4h', '4h>1d']);
    expect(ROLLUP_STEPS.map((s) => s.interval)).toEqual([...ROLLUP_INTERVALS]);
    for (const s of ROLLUP_STEPS) {
      const ratio = INTERVAL_MS[s.interval] / INTERVAL_MS[s.from];
      expect(Number.isInteger(ratio) && ratio <= 6, `${s.interval}`).toBe(true);
    }
  });

  it('merges touched buckets into contiguous spans, one per run', () => {
    const times = [D0 - M, D0, D0 + 4 * M, D0 + 5 * M, D0 + 11 * M, D0 + 30 * M];
    // Buckets 23:55, 00:00, 00:05, 00:10 run together; 00:30 stands alone.
    expect(touchedSpans('5m', times)).toEqual([
      [D0 - 5 * M, D0 + 15 * M],
      [D0 + 30 * M, D0 + 35 * M],
    ]);
    expect(touchedSpans('1d', times)).toEqual([[D0 - 86_400_000, D0 + 86_400_000]]);
    expect(touchedSpans('4h', [D0 + 3 * 3_600_000, D0 + 17 * 3_600_000])).toEqual([
      [D0, D0 + 4 * 3_600_000],
      [D0 + 16 * 3_600_000, D0 + 20 * 3_600_000],
    ]);
    expect(coveringSpan('1h', D0 + 30 * M, D0 + 61 * M)).toEqual([D0, D0 + 2 * 3_600_000]);
    expect(daysOf([D0 + 5, D0 - 1, D0 + 3])).toEqual([D0 - 86_400_000, D0]);
  });

  it('compares decimals by value, not by their text', () => {
    expect(canonicalDecimal('42283.5000000000')).toBe('42283.5');
    expect(canonicalDecimal('7.0000000000')).toBe('7');
    expect(canonicalDecimal('0.0001000000')).toBe('0.0001');
    expect(canonicalDecimal('0010')).toBe('10');
    expect(canonicalDecimal(12)).toBe('12');
  });

  it('resolves the seed span: ends at the open minute unless a start or an end is given', () => {
    const now = D0 + 10 * 3_600_000 + 17 * M + 4_321;
    expect(seedSpan({ days: 1 }, now)).toEqual({ start: now - 4_321 + M - 86_400_000, end: now - 4_321 + M, live: true });
    expect(seedSpan({ days: 2, start: D0 }, now)).toEqual({ start: D0, end: D0 + 2 * 86_400_000, live: false });
    expect(seedSpan({ days: 2, end: D0 }, now)).toEqual({ start: D0 - 2 * 86_400_000, end: D0, live: false });
    expect(seedSpan({ days: 9, start: D0, end: D0 + M }, now)).toEqual({ start: D0, end: D0 + M, live: false });
  });
});
