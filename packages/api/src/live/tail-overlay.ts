import { CANDLE_COLUMN_NAMES, emptyCandleColumns, type CandleColumns } from '@wick/market';

/**
 * Stored candles brought up to a series event: every candle from the tail's first on is the tail's
 * (a tail is the series' last candles after a write, so it replaces whatever was read before it).
 */
export function overlayTail(stored: CandleColumns, tail: CandleColumns): CandleColumns {
  if (tail.time.length === 0) return stored;
  const first = tail.time[0]!;
  let keep = 0;
  while (keep < stored.time.length && stored.time[keep]! < first) keep += 1;
  const out = emptyCandleColumns(keep + tail.time.length);
  for (const c of CANDLE_COLUMN_NAMES) {
    out[c].set(stored[c].subarray(0, keep), 0);
    out[c].set(tail[c], keep);
  }
  return out;
}

/** The last `n` candles (copies). */
export function lastCandles(columns: CandleColumns, n: number): CandleColumns {
  const from = Math.max(0, columns.time.length - n);
  const out = emptyCandleColumns(columns.time.length - from);
  for (const c of CANDLE_COLUMN_NAMES) out[c].set(columns[c].subarray(from));
  return out;
}

/**
 * The first open time at which `now` differs from `before` (a value changed, or a candle `before`
 * does not have), over the candles of `now` from `from` on (older ones are known unchanged);
 * undefined when `now` holds nothing new.
 */
export function firstDifference(before: CandleColumns, now: CandleColumns, from = -Infinity): number | undefined {
  const known = new Map<number, number>();
  for (let i = 0; i < before.time.length; i++) known.set(before.time[i]!, i);
  for (let i = 0; i < now.time.length; i++) {
    if (now.time[i]! < from) continue;
    const j = known.get(now.time[i]!);
    if (j === undefined) return now.time[i];
    for (const c of CANDLE_COLUMN_NAMES) if (before[c][j] !== now[c][i]) return now.time[i];
  }
  return undefined;
}
