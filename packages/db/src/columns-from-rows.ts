import { emptyCandleColumns, type CandleColumns } from '@wick/market';

/** A candle as selected: open_time, then open, high, low, close, volume as the server prints decimals. */
export type CandleValuesRow = [openTime: number, open: string, high: string, low: string, close: string, volume: string];

/** Candle rows into ascending columns; `descending` rows (newest first) are placed in reverse. */
export function columnsFromRows(rows: readonly CandleValuesRow[], descending: boolean): CandleColumns {
  const n = rows.length;
  const out = emptyCandleColumns(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const j = descending ? n - 1 - i : i;
    out.time[j] = Number(r[0]);
    out.open[j] = Number(r[1]);
    out.high[j] = Number(r[2]);
    out.low[j] = Number(r[3]);
    out.close[j] = Number(r[4]);
    out.volume[j] = Number(r[5]);
  }
  return out;
}
