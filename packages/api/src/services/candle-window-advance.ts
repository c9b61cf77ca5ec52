import type { SeriesHead } from '@wick/cache';
import { CANDLE_COLUMN_NAMES, type CandleColumns } from '@wick/market';
import { firstAfter, firstAtOrAfter, isLatestWindow, type Window } from './series-window.ts';
import type { StoredCandles } from './stored-candles.ts';

/**
 * Brings a cached candle window up to the series head after writes that only touched the series'
 * newest candles (a write that changed anything older bumped the generation instead, so this never
 * sees one). Idempotent: candles are replaced by open time, so a head already applied (the value was
 * read after the write) gives the same window again.
 *
 * - sealed (the series went on past the window when it was read): unchanged.
 * - "latest N": the head's tail (the last candles of the series, the newest provisional) replaces
 *   the stored candles from its first open time on, up to `to`; the window keeps its last
 *   limit + warm-up candles. A tail that does not reach back to the stored last candle leaves a
 *   gap (candles between them were written and are not in the tail): undefined, a miss.
 * - a `from` window not sealed (it ended at the series' end when read): undefined, a miss. They are
 *   rare (charts page back with `to`), and their history part and window part come from two reads.
 */
export function advanceCandleWindow(stored: StoredCandles, head: SeriesHead, window: Window, warmup: number): StoredCandles | undefined {
  if (stored.sealed) return stored;
  if (!isLatestWindow(window)) return undefined;
  const times = stored.columns.time;
  const tail = head.tail;
  if (times.length === 0 || tail.time.length === 0) return undefined;
  const first = tail.time[0]!;
  if (first > times[times.length - 1]!) return undefined;

  const kept = firstAtOrAfter(times, first);
  const upper = window.to ?? Number.POSITIVE_INFINITY;
  const fromTail = firstAfter(tail.time, upper);
  const total = kept + fromTail;
  const start = Math.max(0, total - (window.limit + warmup));
  return {
    columns: joinRanges(stored.columns, start, kept, tail, Math.max(0, start - kept), fromTail),
    // A tail candle past `to`: the series now goes on past the window.
    sealed: fromTail < tail.time.length,
  };
}

/** a[aFrom, aTo) followed by b[bFrom, bTo), as fresh columns. */
function joinRanges(a: CandleColumns, aFrom: number, aTo: number, b: CandleColumns, bFrom: number, bTo: number): CandleColumns {
  const fromA = Math.max(0, aTo - aFrom);
  const fromB = Math.max(0, bTo - bFrom);
  const out = {} as CandleColumns;
  for (const name of CANDLE_COLUMN_NAMES) {
    const column = new Float64Array(fromA + fromB);
    if (fromA > 0) column.set(a[name].subarray(aFrom, aTo), 0);
    if (fromB > 0) column.set(b[name].subarray(bFrom, bTo), fromA);
    out[name] = column;
  }
  return out;
}
