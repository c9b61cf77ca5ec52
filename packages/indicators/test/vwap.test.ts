import { describe, expect, it } from 'vitest';
import { vwap } from '../src/index.ts';

const f = (xs: number[]) => Float64Array.from(xs);
const t0 = Date.UTC(2024, 2, 10, 23, 58);
const MIN = 60_000;

describe('vwap (hand-computed)', () => {
  it('resets at 00:00 UTC, weights typical price by volume, and uses the typical price while the day has no volume', () => {
    // 23:58, 23:59 | 00:00 (volume 0), 00:01, 00:02
    const high = f([11, 12, 21, 22, 23]);
    const low = f([9, 10, 19, 20, 21]);
    const close = f([10, 11, 20, 21, 22]);
    const volume = f([1, 3, 0, 2, 2]);
    const time = f([t0, t0 + MIN, t0 + 2 * MIN, t0 + 3 * MIN, t0 + 4 * MIN]);
    const out = vwap(high, low, close, volume, time);
    // Typical prices: 10, 11, 20, 21, 22.
    expect(Array.from(out)).toEqual([10, (10 * 1 + 11 * 3) / 4, 20, 21, (21 * 2 + 22 * 2) / 4]);
  });
});
