// A seeded Zipf sampler: rank k (0-based) drawn with weight 1/(k+1)^s. Pure, so the k6 mix and
// the e2e benchmark draw from the same distribution.

/** mulberry32: a tiny deterministic PRNG in [0, 1). @param {number} seed */
export function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {number} n how many ranks
 * @param {number} s the exponent (1.0–1.2 is typical of what users look at)
 * @param {() => number} random uniform in [0, 1)
 * @returns {() => number} a rank in [0, n)
 */
export function zipf(n, s, random) {
  if (!(n >= 1)) throw new Error('zipf needs at least one rank');
  const cdf = new Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) total += 1 / Math.pow(k + 1, s);
  let acc = 0;
  for (let k = 0; k < n; k++) {
    acc += 1 / Math.pow(k + 1, s) / total;
    cdf[k] = acc;
  }
  cdf[n - 1] = 1;
  return function draw() {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] >= u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * Every (symbol, interval, indicator) a user might chart, in popularity order: the first symbol,
 * interval and indicator are the most requested.
 * @param {string[]} symbols @param {string[]} intervals @param {{ indicator: string, params: Record<string, unknown> }[]} indicators
 */
export function mixOf(symbols, intervals, indicators) {
  /** @type {{ symbol: string, interval: string, indicator: string, params: Record<string, unknown> }[]} */
  const out = [];
  for (const ind of indicators)
    for (const interval of intervals)
      for (const symbol of symbols) out.push({ symbol, interval, indicator: ind.indicator, params: ind.params });
  // Interleave so popularity falls across all three dimensions, not one at a time.
  return out.sort((a, b) => rank(a) - rank(b));
  /** @param {{ symbol: string, interval: string, indicator: string }} x */
  function rank(x) {
    return symbols.indexOf(x.symbol) + intervals.indexOf(x.interval) + indicators.findIndex((i) => i.indicator === x.indicator);
  }
}

/** The indicators of the standard mix. */
export const MIX_INDICATORS = [
  { indicator: 'rsi', params: { period: 14 } },
  { indicator: 'ema', params: { period: 20 } },
  { indicator: 'macd', params: {} },
  { indicator: 'bbands', params: { period: 20 } },
  { indicator: 'sma', params: { period: 50 } },
  { indicator: 'atr', params: { period: 14 } },
];
