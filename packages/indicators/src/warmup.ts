/** A Float64Array of length n whose first `lookback` slots are NaN (the rest is left for the kernel). */
export function outputArray(n: number, lookback: number): Float64Array {
  const out = new Float64Array(n);
  out.fill(NaN, 0, lookback < n ? lookback : n);
  return out;
}
