import { describe, expect, it } from 'vitest';
import { randomWalk, randomWalkCandles } from './candle-walk.ts';
import { Prng } from './prng.ts';

describe('randomWalk', () => {
  it('is deterministic per seed and differs between seeds', () => {
    expect(randomWalk(50, { seed: 7 })).toEqual(randomWalk(50, { seed: 7 }));
    expect(randomWalk(50, { seed: 7 }).close).not.toEqual(randomWalk(50, { seed: 8 }).close);
  });

  it('gives OHLC-consistent, positive, ascending candles', () => {
    const c = randomWalk(5000, { seed: 3, interval: '5m', priceDecimals: 2 });
    for (let i = 0; i < 5000; i++) {
      expect(c.low[i]).toBeGreaterThan(0);
      expect(c.low[i]).toBeLessThanOrEqual(Math.min(c.open[i]!, c.close[i]!));
      expect(c.high[i]).toBeGreaterThanOrEqual(Math.max(c.open[i]!, c.close[i]!));
      expect(Math.round(c.close[i]! * 100) / 100).toBe(c.close[i]);
      if (i > 0) {
        expect(c.time[i]! - c.time[i - 1]!).toBe(300_000);
        expect(c.open[i]).toBe(c.close[i - 1]);
      }
    }
  });

  it('objects carry the same values as columns', () => {
    const cols = randomWalk(3, { seed: 2 });
    const objs = randomWalkCandles(3, { seed: 2 });
    expect(objs.map((o) => o.close)).toEqual(Array.from(cols.close));
  });

  it('Prng normals have mean ~0 and variance ~1', () => {
    const p = new Prng(11);
    let s = 0;
    let s2 = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = p.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.05);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});
