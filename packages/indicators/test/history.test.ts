import { describe, expect, it } from 'vitest';
import { randomWalk } from '@wick/testkit';
import { computeIndicator, historyFor, indicators, parseParams, UnknownIndicatorError } from '../src/index.ts';
import type { Columns } from '../src/index.ts';
import { slice } from './support/series.ts';

const MINUTE = 60_000;

const tail = (c: Columns, from: number): Columns => slice(c, from, c.close.length);

describe('historyFor', () => {
  it('windowed indicators read exactly their lookback; recursive and path-dependent ones more (hand-computed)', () => {
    // [name, params, lookback, extra history]; extra = ⌈ln 1e-12 / ln(1 − α)⌉ for a smoothing of weight α.
    const cases: [string, Record<string, unknown>, number, number][] = [
      ['sma', { period: 20 }, 19, 0],
      ['bbands', {}, 19, 0],
      ['stoch', {}, 13 + 2 + 2, 0],
      ['cci', {}, 19, 0],
      ['donchian', { period: 55 }, 54, 0],
      ['ichimoku', {}, 51, 0],
      // EMA(20): α = 2/21, ln(19/21) = −0.100084, 27.631 / 0.100084 = 276.08 → 277.
      ['ema', { period: 20 }, 19, 277],
      // RSI(14), Wilder: α = 1/14, ln(13/14) = −0.074108, 27.631 / 0.074108 = 372.85 → 373.
      ['rsi', {}, 14, 373],
      // MACD(12, 26, 9): the slow EMA (α = 2/27: 359.03 → 360) then the signal EMA (α = 0.2: 123.83 → 124).
      ['macd', {}, 33, 360 + 124],
      // PSAR settles within a few hundred candles after a reversal: 500.
      ['psar', {}, 1, 500],
    ];
    for (const [name, raw, lookback, extra] of cases) {
      expect(historyFor(name, parseParams(name, raw), MINUTE), name).toBe(lookback + extra);
    }
  });

  it('a window read with its history starts with the full-series value, for every indicator but OBV', () => {
    const full = randomWalk(8000, { seed: 7, step: 0.01 });
    for (const name of indicators.keys()) {
      if (name === 'obv') continue;
      const params = parseParams(name, {});
      const history = historyFor(name, params, MINUTE);
      const start = full.close.length - 50 - history;
      const windowed = computeIndicator(name, tail(full, start), params);
      const reference = computeIndicator(name, full, params);
      for (const [output, values] of Object.entries(windowed)) {
        for (let i = history; i < values.length; i++) {
          const a = values[i]!;
          const b = reference[output]![start + i]!;
          if (Number.isNaN(b)) expect(a, `${name}.${output}[${i}]`).toBeNaN();
          else expect(Math.abs(a - b), `${name}.${output}[${i}]`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        }
      }
    }
  });

  it('OBV read with its history differs from the full series by one constant only', () => {
    const full = randomWalk(3000, { seed: 7, step: 0.01 });
    const history = historyFor('obv', {}, MINUTE);
    const start = 3000 - 50 - history;
    const windowed = computeIndicator('obv', tail(full, start), {}).value!;
    const reference = computeIndicator('obv', full, {}).value!;
    const shift = windowed[history]! - reference[start + history]!;
    for (let i = history; i < windowed.length; i++) {
      expect(windowed[i]! - shift).toBeCloseTo(reference[start + i]!, 6);
    }
  });

  it('VWAP reads back to the UTC day start: one day of candles less one at most', () => {
    expect(historyFor('vwap', {}, MINUTE)).toBe(1439);
    expect(historyFor('vwap', {}, 3_600_000)).toBe(23);
    expect(historyFor('vwap', {}, 86_400_000)).toBe(0);
  });

  it('needs parsed params and a known indicator', () => {
    expect(() => historyFor('rsi', {}, MINUTE)).toThrow(/period/);
    expect(() => historyFor('nope', {}, MINUTE)).toThrow(UnknownIndicatorError);
  });
});
