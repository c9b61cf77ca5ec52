import { expect } from 'vitest';

export function firstFinite(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) return i;
  return a.length;
}

/**
 * Same NaN positions, and |a − e| ≤ rel·max(|a|, |e|, floor) elsewhere. `floor` keeps values that
 * cancel to ~0 (MACD histogram, momentum) from demanding relative precision of pure noise.
 */
export interface CompareOptions {
  rel?: number;
  floor?: number;
  from?: number;
  /**
   * Exact value at index i, computed another way (e.g. two-pass in a centred frame). Where ours and
   * the reference disagree beyond `rel`, ours must be within 1e-12 of it and strictly closer than the
   * reference — the disagreement is then the reference's error, and is recorded in `arbitrated`.
   */
  arbiter?: (i: number) => number;
  arbitrated?: { index: number; ours: number; reference: number; exact: number }[];
}

export function expectSeriesClose(actual: Float64Array, expected: Float64Array, label: string, opts: CompareOptions = {}): void {
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
    let err = Math.abs(a - e) / scale;
    if (err > rel && opts.arbiter) {
      const x = opts.arbiter(i);
      const ourErr = Math.abs(a - x) / Math.max(Math.abs(x), floor);
      const theirErr = Math.abs(e - x) / Math.max(Math.abs(x), floor);
      if (ourErr <= 1e-12 && ourErr < theirErr) {
        opts.arbitrated?.push({ index: i, ours: a, reference: e, exact: x });
        err = 0;
      }
    }
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
