import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rollingExtremes } from './extremes.ts';

describe('rollingExtremes', () => {
  it('matches a naive window scan (fast-check), including monotone and flat series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom('random', 'up', 'down', 'flat'),
        (raw, period, start, shape) => {
          const xs =
            shape === 'random' ? raw : shape === 'flat' ? raw.map(() => 3) : [...raw].sort((a, b) => (shape === 'up' ? a - b : b - a));
          const high = Float64Array.from(xs);
          const low = Float64Array.from(xs, (x) => x - 1);
          const n = xs.length;
          const hi = new Float64Array(n).fill(NaN);
          const lo = new Float64Array(n).fill(NaN);
          rollingExtremes(high, low, start, period, hi, lo);
          for (let i = 0; i < n; i++) {
            if (i < start + period - 1) {
              expect(hi[i]).toBeNaN();
              continue;
            }
            let h = -Infinity;
            let l = Infinity;
            for (let j = i - period + 1; j <= i; j++) {
              h = Math.max(h, high[j]!);
              l = Math.min(l, low[j]!);
            }
            expect(hi[i]).toBe(h);
            expect(lo[i]).toBe(l);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
