/**
 * Rolling highest/lowest over windows [i−period+1, i], written for i ≥ start+period−1; values
 * before `start` are ignored.
 *
 * Algorithm: TA-Lib's — keep the extreme and its index, and rescan the window only when that index
 * falls out of it. Measured on 1 M-point random walks (same run, Node 20): 9 ms at period 14 against
 * 19 ms for a monotonic deque and 13.5 ms for van Herk/Gil-Werman; the deque's pop loop ends on a
 * data-dependent branch the CPU cannot predict, while a rescan is rare and runs as a tight,
 * predictable loop. The price is TA-Lib's worst case, O(n·period) on a strictly monotone series.
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
  let hIdx = -1;
  let lIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = start + period - 1, trailing = start; i < n; i++, trailing++) {
    const h = high[i]!;
    if (hIdx < trailing) {
      hIdx = trailing;
      highest = high[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = high[j]!;
        if (v > highest) {
          highest = v;
          hIdx = j;
        }
      }
    } else if (h >= highest) {
      hIdx = i;
      highest = h;
    }
    const l = low[i]!;
    if (lIdx < trailing) {
      lIdx = trailing;
      lowest = low[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = low[j]!;
        if (v < lowest) {
          lowest = v;
          lIdx = j;
        }
      }
    } else if (l <= lowest) {
      lIdx = i;
      lowest = l;
    }
    outMax[i] = highest;
    outMin[i] = lowest;
  }
}
