import { describe, expect, it } from 'vitest';
import { MIX_INDICATORS, mixOf, prng, zipf } from '../lib/zipf.js';

describe('zipf', () => {
  it('draws ranks with weight 1/(k+1)^s', () => {
    const n = 20;
    const s = 1.1;
    const draw = zipf(n, s, prng(1));
    const counts = new Array<number>(n).fill(0);
    const N = 200_000;
    for (let i = 0; i < N; i++) counts[draw()]! += 1;
    const total = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** s).reduce((a, b) => a + b, 0);
    for (let k = 0; k < n; k++) {
      const expected = 1 / (k + 1) ** s / total;
      expect(Math.abs(counts[k]! / N - expected), `rank ${k}`).toBeLessThan(0.005);
    }
  });

  it('is deterministic per seed and stays in range', () => {
    const a = zipf(5, 1, prng(9));
    const b = zipf(5, 1, prng(9));
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 5)).toBe(true);
    expect(() => zipf(0, 1, Math.random)).toThrow();
  });

  it('mixes every combination once, most popular first', () => {
    const mix = mixOf(['A', 'B'], ['1m', '1h'], MIX_INDICATORS);
    expect(mix).toHaveLength(2 * 2 * MIX_INDICATORS.length);
    expect(new Set(mix.map((m) => `${m.symbol}:${m.interval}:${m.indicator}`)).size).toBe(mix.length);
    expect(mix[0]).toMatchObject({ symbol: 'A', interval: '1m', indicator: 'rsi' });
  });
});
