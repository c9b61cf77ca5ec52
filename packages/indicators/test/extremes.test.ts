import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DonchianState, rollingExtremes } from '../src/index.ts';

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

// + 0 turns −0 into 0: which of two equal extremes a window reports is not a property of it.
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x + 0);

describe('the streaming window (DonchianState)', () => {
  it('matches a naive window scan candle by candle, peeks included, across JSON round trips (fast-check), monotone and flat too', () => {
    fc.assert(
      fc.property(
        fc.array(finite, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 2, max: 60 }),
        fc.constantFrom('random', 'up', 'down', 'flat'),
        fc.array(finite, { minLength: 1, maxLength: 300 }),
        (raw, period, shape, peeks) => {
          const xs =
            shape === 'random' ? raw : shape === 'flat' ? raw.map(() => 3) : [...raw].sort((a, b) => (shape === 'up' ? a - b : b - a));
          const naive = (values: number[], i: number) => {
            if (i < period - 1) return { upper: NaN, lower: NaN };
            const w = values.slice(i - period + 1, i + 1);
            return { upper: Math.max(...w), lower: Math.min(...w) - 1 };
          };
          let s = new DonchianState({ period });
          for (let i = 0; i < xs.length; i++) {
            const peekAt = peeks[i % peeks.length]!;
            const peeked = s.peek({ high: peekAt, low: peekAt - 1 });
            expect(peeked).toMatchObject(naive([...xs.slice(0, i), peekAt], i));
            const got = s.next({ high: xs[i]!, low: xs[i]! - 1 });
            expect(got).toMatchObject(naive(xs, i));
            if (i % 7 === 3) s = DonchianState.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
