import { CANDLE_COLUMN_NAMES, emptyCandleColumns, INTERVAL_MS, type CandleColumns, type Interval } from '@wick/market';

export interface CandleDelta {
  /** The candles of the newer tail that the older one does not have with the same values, ascending. */
  changed: CandleColumns;
  /** Candles between the older tail's last and the newer tail's first were never in either (more were appended than a tail holds). */
  hole: boolean;
}

/**
 * What a subscriber that holds the tail `before` must be sent to hold `after`. Only the two tails
 * matter: a newer snapshot never reaches back before an older one's first candle, so whatever a
 * subscriber holds older than `before` is untouched by it.
 */
export function candleDelta(before: CandleColumns, after: CandleColumns, interval: Interval): CandleDelta {
  const index = new Map<number, number>();
  for (let i = 0; i < before.time.length; i++) index.set(before.time[i]!, i);
  const n = after.time.length;
  const lastBefore = before.time.at(-1);
  const hole = n > 0 && lastBefore !== undefined && after.time[0]! > lastBefore + INTERVAL_MS[interval];
  const picked: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = index.get(after.time[i]!);
    if (j === undefined || CANDLE_COLUMN_NAMES.some((c) => before[c][j] !== after[c][i])) picked.push(i);
  }
  const changed = emptyCandleColumns(picked.length);
  picked.forEach((from, to) => {
    for (const c of CANDLE_COLUMN_NAMES) changed[c][to] = after[c][from]!;
  });
  return { changed, hole };
}
