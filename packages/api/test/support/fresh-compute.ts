// What a fresh, uncached computation of a "latest N" window gives: the window and the history
// the service reads before it, straight from the database, through computeIndicator.
import { getCandles, type Database } from '@wick/db';
import { computeIndicator, historyFor, parseParams } from '@wick/indicators';
import { INTERVAL_MS, type Interval } from '@wick/market';
import { expect } from 'vitest';

export interface FreshResult {
  time: number[];
  values: Record<string, (number | null)[]>;
}

export async function freshLatest(
  database: Database,
  q: { symbol: string; interval: Interval; indicator: string; params: Record<string, number>; limit: number },
): Promise<FreshResult> {
  const warmup = historyFor(q.indicator, parseParams(q.indicator, q.params), INTERVAL_MS[q.interval]);
  const candles = await getCandles(database, { symbol: q.symbol, interval: q.interval, limit: q.limit + warmup, newest: true });
  const start = Math.max(0, candles.time.length - q.limit);
  const outputs = computeIndicator(q.indicator, candles, q.params);
  const values: Record<string, (number | null)[]> = {};
  for (const [name, series] of Object.entries(outputs)) {
    values[name] = Array.from(series.subarray(start), (v) => (Number.isFinite(v) ? v : null));
  }
  return { time: Array.from(candles.time.subarray(start)), values };
}

/** Same times, same nulls, every value within `tolerance` relative (absolute below 1). */
export function expectSameResult(actual: FreshResult, expected: FreshResult, what: string, tolerance = 1e-9): void {
  expect(actual.time, `${what}: times`).toEqual(expected.time);
  expect(Object.keys(actual.values).sort(), `${what}: outputs`).toEqual(Object.keys(expected.values).sort());
  for (const [name, want] of Object.entries(expected.values)) {
    const got = actual.values[name]!;
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      if (w === null || g === null) {
        expect(g, `${what}.${name}[${i}]`).toBe(w);
        continue;
      }
      const error = Math.abs(g - w) / Math.max(1, Math.abs(w));
      if (!(error <= tolerance)) expect.fail(`${what}.${name}[${i}]: got ${g}, a fresh computation gives ${w} (relative error ${error})`);
    }
  }
}
