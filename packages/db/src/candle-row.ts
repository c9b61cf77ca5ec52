/**
 * One candle as written to the `candles` table after symbol_id and interval: decimals are exact
 * strings (from a CSV file or the seed) or numbers (from an API caller).
 */
export type CandleRow = [
  openTime: number,
  open: string | number,
  high: string | number,
  low: string | number,
  close: string | number,
  volume: string | number,
  quoteVolume: string | number,
  trades: number,
];

/** The table's columns in CandleRow order, after symbol_id and interval. */
export const CANDLE_ROW_COLUMNS = ['open_time', 'open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trades'] as const;

/** The value columns of a candle (everything but its key), in CandleRow order. */
export const CANDLE_VALUE_COLUMNS = CANDLE_ROW_COLUMNS.slice(1) as readonly Exclude<(typeof CANDLE_ROW_COLUMNS)[number], 'open_time'>[];
