import type { Candles, IndicatorSeries } from '../chart/candles.ts';

/**
 * Where a newer tail lands on a series (both ascending by time): the series is kept up to `keep`,
 * then come the rows of `rows`, each taken from the series ('base') or the tail ('next'); on equal
 * times the tail wins. Only the overlap is walked, so a live tick costs O(tail), not O(series).
 */
interface Plan {
  keep: number;
  rows: { from: 'base' | 'next'; index: number }[];
}

function plan(base: readonly number[], next: readonly number[]): Plan {
  if (next.length === 0) return { keep: base.length, rows: [] };
  let keep = base.length;
  while (keep > 0 && base[keep - 1]! >= next[0]!) keep--;
  const rows: Plan['rows'] = [];
  let b = keep;
  let n = 0;
  while (b < base.length || n < next.length) {
    if (n >= next.length || (b < base.length && base[b]! < next[n]!)) rows.push({ from: 'base', index: b++ });
    else {
      if (b < base.length && base[b] === next[n]) b++; // same candle: the tail's values replace it
      rows.push({ from: 'next', index: n++ });
    }
  }
  return { keep, rows };
}

/** A column of the merged series; the rest of `limit` from the end. */
function column<T>(p: Plan, base: readonly T[], next: readonly T[], missing: T, start: number): T[] {
  const out = base.slice(0, p.keep);
  for (const r of p.rows) out.push((r.from === 'base' ? base[r.index] : next[r.index]) ?? missing);
  return start > 0 ? out.slice(start) : out;
}

const CANDLE_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Candles with a newer tail applied (changed candles replaced, new ones appended), at most `limit` (the newest). */
export function mergeCandleTail(base: Candles, next: Candles, limit = Infinity): Candles {
  const p = plan(base.time, next.time);
  const start = Math.max(0, p.keep + p.rows.length - limit);
  const out = {} as Candles;
  for (const name of CANDLE_COLUMNS) out[name] = column(p, base[name], next[name], Number.NaN, start);
  return out;
}

/** The same for indicator values; an output missing on one side reads as null there. */
export function mergeIndicatorTail(base: IndicatorSeries, next: IndicatorSeries, limit = Infinity): IndicatorSeries {
  const p = plan(base.time, next.time);
  const start = Math.max(0, p.keep + p.rows.length - limit);
  const values: IndicatorSeries['values'] = {};
  for (const name of new Set([...Object.keys(base.values), ...Object.keys(next.values)])) {
    const b = base.values[name] ?? new Array<number | null>(base.time.length).fill(null);
    const n = next.values[name] ?? new Array<number | null>(next.time.length).fill(null);
    values[name] = column(p, b, n, null, start);
  }
  return { time: column(p, base.time, next.time, 0, start), values };
}

/** The candle columns of an API answer (which also carries quote volume and trades), as the chart holds them. */
export function candleColumns(c: Candles): Candles {
  return { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}
