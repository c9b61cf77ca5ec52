import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSeed, SeededRandom } from './seeded-random.ts';

describe('SeededRandom', () => {
  it('draws the mulberry32 sequence (the demo seed and recorded test data depend on it)', () => {
    const random = new SeededRandom(42);
    expect([random.next(), random.next(), random.next()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('is reproducible from its seed, uniform draws stay in [0, 1), ints in [0, n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const a = new SeededRandom(seed);
        const b = new SeededRandom(seed);
        for (let i = 0; i < 50; i++) {
          const x = a.next();
          expect(x).toBe(b.next());
          expect(x >= 0 && x < 1).toBe(true);
          const k = a.int(n);
          expect(b.int(n)).toBe(k);
          expect(Number.isInteger(k) && k >= 0 && k < n).toBe(true);
        }
      }),
    );
  });

  it('forks per salt into different, reproducible sequences', () => {
    const first = new SeededRandom(9).fork('BTCUSDT').next();
    expect(new SeededRandom(9).fork('BTCUSDT').next()).toBe(first);
    expect(new SeededRandom(9).fork('ETHUSDT').next()).not.toBe(first);
  });

  it('poisson counts have the asked mean (10,000 draws, within 5 %)', () => {
    const random = new SeededRandom(3);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += random.poisson(4);
    expect(sum / 10_000).toBeGreaterThan(3.8);
    expect(sum / 10_000).toBeLessThan(4.2);
    expect(random.poisson(0)).toBe(0);
  });

  it('derives distinct seeds per part from one seed', () => {
    expect(deriveSeed(42, 'BTCUSDT', 'candles')).toBe(deriveSeed(42, 'BTCUSDT', 'candles'));
    expect(deriveSeed(42, 'BTCUSDT', 'candles')).not.toBe(deriveSeed(42, 'ETHUSDT', 'candles'));
  });
});
