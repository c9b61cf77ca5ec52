import type { z } from 'zod';
import type { CandleColumns } from '@wick/market';
import type { StreamForm } from './stream-form.ts';

/** A candle column an indicator may read. */
export type InputColumn = keyof CandleColumns;
/** Candle columns (@wick/market's CandleColumns); `time` is the open time in ms (UTC). */
export type Columns = CandleColumns;
/** Every output has the input's length, NaN in the warm-up region. */
export type Outputs = Record<string, Float64Array>;

export type Family = 'trend' | 'momentum' | 'volatility' | 'volume';

export interface IndicatorDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Registry id, lowercase: 'sma', 'rsi', … */
  name: string;
  title: string;
  family: Family;
  /** A z.object with a default and bounds on every field; parse({}) gives the defaults. */
  params: z.ZodType<P>;
  inputs: readonly InputColumn[];
  outputs: readonly string[];
  /** Index of the first non-NaN value of the slowest output, given full data. */
  lookback(params: P): number;
  compute(columns: Columns, params: P): Outputs;
  /** The exact streaming form: candle by candle, the same values as `compute` (see streaming-state.ts). */
  stream: StreamForm<P>;
}
