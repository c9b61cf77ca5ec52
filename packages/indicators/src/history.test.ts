import { describe, expect, it } from 'vitest';
import { computeIndicator, getIndicator, parseParams } from './api.ts';
import { indicators } from './registry.ts';
import { historyFor } from './history.ts';
import type { Columns } from './types.ts';

const MINUTE = 60_000;

function walk(n: number): Columns {
  const close = new Float64Array(n);
  let x = 100;
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x *= 1 + (s / 2 ** 32 - 0.5) * 0.01;
    close[i] = x;
  }
  return {
    open: close.map((v, i) => (i === 0 ? v : (close[i - 1] as number))),
    high: close.map((v) => v * 1.002),
    low: close.map((v) => v * 0.998),
    close,
    volume: close.map((_, i) => 100 + (i % 7) * 13),
    time: close.map((_, i) => Date.UTC(2024, 0, 1) + i * MINUTE),
  };
}

const tail = (c: Columns, from: number): Columns =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (v as Float64Array).slice(from)])) as unknown as Columns;

describe('historyFor', () => {
  it('is at least the lookback of every indicator', () => {
    for (const [name, def] of indicators) {
      const params = parseParams(name, {});
      expect(historyFor(name, params, MINUTE), name).toBeGreaterThanOrEqual(def.lookback(params));
    }
  });

  it('a window read with its history starts with the full-series value, for every indicator but OBV', () => {
    const full = walk(8000);
    for (const name of indicators.keys()) {
      if (name === 'obv') continue;
      const params = parseParams(name, {});
      const history = historyFor(name, params, MINUTE);
      const start = full.close.length - 50 - history;
      const windowed = computeIndicator(name, tail(full, start), params);
      const reference = computeIndicator(name, full, params);
      for (const [output, values] of Object.entries(windowed)) {
        for (let i = history; i < values.length; i++) {
          const a = values[i] as number;
          const b = reference[output]![start + i] as number;
          if (Number.isNaN(b)) expect(a, `${name}.${output}[${i}]`).toBeNaN();
          else expect(Math.abs(a - b), `${name}.${output}[${i}]`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        }
      }
    }
  });

  it('OBV read with its history differs from the full series by one constant only', () => {
    const full = walk(3000);
    const history = historyFor('obv', {}, MINUTE);
    const start = 3000 - 50 - history;
    const windowed = computeIndicator('obv', tail(full, start), {}).value!;
    const reference = computeIndicator('obv', full, {}).value!;
    const shift = (windowed[history] as number) - (reference[start + history] as number);
    for (let i = history; i < windowed.length; i++) {
      expect((windowed[i] as number) - shift).toBeCloseTo(reference[start + i] as number, 6);
    }
  });

  it('VWAP reads back to the UTC day start: one day of candles less one at most', () => {
    expect(historyFor('vwap', {}, MINUTE)).toBe(1439);
    expect(historyFor('vwap', {}, 3_600_000)).toBe(23);
    expect(historyFor('vwap', {}, 86_400_000)).toBe(0);
  });

  it('needs parsed params', () => {
    expect(() => historyFor('rsi', {}, MINUTE)).toThrow(/period/);
    expect(getIndicator('rsi')).toBeTruthy();
  });
});
