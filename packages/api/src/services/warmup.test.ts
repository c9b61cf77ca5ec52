import { computeIndicator, getIndicator, type Columns } from '@wick/indicators';
import { describe, expect, it } from 'vitest';
import { warmupFor } from './warmup.ts';

function walk(n: number): Columns {
  const close = new Float64Array(n);
  let x = 100;
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x *= 1 + (s / 2 ** 32 - 0.5) * 0.01;
    close[i] = x;
  }
  const high = close.map((v) => v * 1.001);
  const low = close.map((v) => v * 0.999);
  const volume = close.map((_, i) => 100 + (i % 7));
  const time = close.map((_, i) => Date.UTC(2024, 0, 1) + i * 60_000);
  return { open: close, high, low, close, volume, time };
}

function tail(c: Columns, from: number): Columns {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (v as Float64Array).slice(from)])) as unknown as Columns;
}

describe('warmupFor', () => {
  it('is at least the lookback for every indicator', () => {
    for (const name of ['sma', 'rsi', 'macd', 'adx', 'bbands', 'ichimoku', 'vwap']) {
      const params = getIndicator(name).params.parse({}) as Record<string, unknown>;
      expect(warmupFor(name, params, '1m')).toBeGreaterThanOrEqual(getIndicator(name).lookback(params));
    }
  });

  it('gives recursive indicators enough history that the first value matches the full series to 1e-9', () => {
    const full = walk(6000);
    for (const [name, params] of [['ema', { period: 50 }], ['rsi', { period: 14 }], ['macd', {}], ['adx', {}], ['tema', { period: 30 }]] as const) {
      const parsed = getIndicator(name).params.parse(params) as Record<string, unknown>;
      const warmup = warmupFor(name, parsed, '1m');
      const start = 6000 - 100 - warmup;
      const windowed = computeIndicator(name, tail(full, start), parsed);
      const reference = computeIndicator(name, full, parsed);
      for (const [output, values] of Object.entries(windowed)) {
        const a = values[warmup] as number;
        const b = reference[output]![start + warmup] as number;
        expect(Math.abs(a - b), `${name}.${output}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
      }
    }
  });

  it('anchors VWAP at the UTC day: a full day of candles of history at most', () => {
    expect(warmupFor('vwap', {}, '1m')).toBe(1439);
    expect(warmupFor('vwap', {}, '1d')).toBe(0);
  });
});
