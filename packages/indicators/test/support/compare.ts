import { expect } from 'vitest';

export function firstFinite(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) return i;
  return a.length;
}

/**
 * Same NaN positions, and |a − e| ≤ rel·max(|a|, |e|, floor) elsewhere. `floor` keeps values that
 * cancel to ~0 (MACD histogram, momentum) from demanding relative precision of pure noise.
 */
export function expectSeriesClose(
  actual: Float64Array,
  expected: Float64Array,
  label: string,
  opts: { rel?: number; floor?: number; from?: number } = {},
): void {
  const rel = opts.rel ?? 1e-9;
  const floor = opts.floor ?? 1e-12;
  const from = opts.from ?? 0;
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = from; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        expect.fail(`${label}: NaN mismatch at ${i}: ours ${a}, reference ${e}`);
      }
      continue;
    }
    const scale = Math.max(Math.abs(a), Math.abs(e), floor);
    const err = Math.abs(a - e) / scale;
    if (err > worst) {
      worst = err;
      worstAt = i;
    }
  }
  if (worst > rel) {
    expect.fail(
      `${label}: relative error ${worst.toExponential(3)} > ${rel} at ${worstAt}: ours ${actual[worstAt]}, reference ${expected[worstAt]}`,
    );
  }
}
