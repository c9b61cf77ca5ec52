/**
 * Rolling highest/lowest over windows [i−period+1, i] with monotonic deques: O(1) amortised per
 * value whatever the period. The deques are rings of indices sized to a power of two so wrapping is
 * a mask, allocated once per call. Only values from index `start` on are considered; outputs are
 * written for i ≥ start+period−1.
 */
export function rollingExtremes(
  high: Float64Array,
  low: Float64Array,
  start: number,
  period: number,
  outMax: Float64Array,
  outMin: Float64Array,
): void {
  const n = high.length;
  let cap = 1;
  while (cap < period + 1) cap <<= 1;
  const mask = cap - 1;
  const dqMax = new Int32Array(cap);
  const dqMin = new Int32Array(cap);
  let hMax = 0;
  let tMax = 0;
  let hMin = 0;
  let tMin = 0;
  for (let i = start; i < n; i++) {
    const h = high[i]!;
    while (tMax !== hMax && high[dqMax[(tMax - 1) & mask]!]! <= h) tMax--;
    dqMax[tMax & mask] = i;
    tMax++;
    const l = low[i]!;
    while (tMin !== hMin && low[dqMin[(tMin - 1) & mask]!]! >= l) tMin--;
    dqMin[tMin & mask] = i;
    tMin++;
    const oldest = i - period;
    if (dqMax[hMax & mask]! <= oldest) hMax++;
    if (dqMin[hMin & mask]! <= oldest) hMin++;
    if (i >= start + period - 1) {
      outMax[i] = high[dqMax[hMax & mask]!]!;
      outMin[i] = low[dqMin[hMin & mask]!]!;
    }
  }
}
