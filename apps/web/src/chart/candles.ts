/** Columnar candles as candles.range returns them (times are open times, ms, ascending). */
export interface Candles {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

export const emptyCandles = (): Candles => ({ time: [], open: [], high: [], low: [], close: [], volume: [] });

/**
 * Joins pages of candles (any order, possibly overlapping) into one ascending series; where two
 * pages hold the same open time the later page in the list wins (live data is passed last).
 */
export function mergeCandles(pages: readonly Candles[]): Candles {
  const byTime = new Map<number, number[]>();
  for (const p of pages) {
    for (let i = 0; i < p.time.length; i++) {
      byTime.set(p.time[i]!, [p.open[i]!, p.high[i]!, p.low[i]!, p.close[i]!, p.volume[i]!]);
    }
  }
  const out = emptyCandles();
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) {
    const [o, h, l, c, v] = byTime.get(t)!;
    out.time.push(t);
    out.open.push(o!);
    out.high.push(h!);
    out.low.push(l!);
    out.close.push(c!);
    out.volume.push(v!);
  }
  return out;
}

/** Indicator values by output aligned with `time`; null where the indicator has no value yet. */
export interface IndicatorSeries {
  time: number[];
  values: Record<string, (number | null)[]>;
}
