/** Columnar candles, ascending by `time` (the open time in ms). The engine and cache move these as is. */
export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export const CANDLE_COLUMN_NAMES = ['time', 'open', 'high', 'low', 'close', 'volume'] as const satisfies readonly (keyof CandleColumns)[];

/** Fresh, zero-filled columns for `n` candles. */
export function emptyCandleColumns(n: number): CandleColumns {
  return {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}
