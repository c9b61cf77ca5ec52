import { describe, expect, it } from 'vitest';
import { PriceWalk, REGIMES, SeededRandom, type Regime } from '../src/index.ts';

describe('PriceWalk', () => {
  it('is reproducible from its seed', () => {
    const run = (seed: number) => {
      const walk = new PriceWalk({ startPrice: 100, volatilityPerSecond: 1e-4, random: new SeededRandom(seed) });
      return Array.from({ length: 200 }, () => walk.step(500));
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it('stays positive and visits every regime, bursts moving far more than calm stretches', () => {
    const walk = new PriceWalk({ startPrice: 50, volatilityPerSecond: 2e-4, random: new SeededRandom(11) });
    const moves: Record<Regime, number[]> = { calm: [], active: [], burst: [] };
    let price = walk.price;
    // Six simulated hours at 2 updates/s.
    for (let i = 0; i < 6 * 3600 * 2; i++) {
      const next = walk.step(500);
      expect(next).toBeGreaterThan(0);
      // A step switches regime (maybe) first, then moves: the regime after it is the one that moved it.
      moves[walk.regime].push(Math.log(next / price));
      price = next;
    }
    const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
    for (const r of Object.keys(REGIMES) as Regime[]) expect(moves[r].length).toBeGreaterThan(100);
    expect(rms(moves.active)).toBeGreaterThan(1.8 * rms(moves.calm));
    expect(rms(moves.burst)).toBeGreaterThan(4 * rms(moves.calm));
    // Calm steps have the configured σ: 2e-4 per √s → 1.41e-4 per half second.
    expect(rms(moves.calm)).toBeGreaterThan(1.2e-4);
    expect(rms(moves.calm)).toBeLessThan(1.6e-4);
  });

  it('refuses a start price that is not positive', () => {
    expect(() => new PriceWalk({ startPrice: 0, volatilityPerSecond: 1e-4, random: new SeededRandom(1) })).toThrow(/startPrice/);
  });
});

describe('SeededRandom', () => {
  it('draws Poisson counts with the asked mean', () => {
    const random = new SeededRandom(5);
    for (const mean of [0.3, 4, 50]) {
      let sum = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) sum += random.poisson(mean);
      expect(Math.abs(sum / n - mean)).toBeLessThan(mean * 0.05 + 0.02);
    }
    expect(random.poisson(0)).toBe(0);
  });

  it('forks independent, reproducible streams per salt', () => {
    const a = new SeededRandom(9).fork('BTCUSDT');
    const b = new SeededRandom(9).fork('BTCUSDT');
    const c = new SeededRandom(9).fork('ETHUSDT');
    const draw = (r: SeededRandom) => Array.from({ length: 5 }, () => r.next());
    const first = draw(a);
    expect(first).toEqual(draw(b));
    expect(first).not.toEqual(draw(c));
  });
});
