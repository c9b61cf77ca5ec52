import type { CandleInput } from './candle-input.ts';
import type { LiquidationEvent } from './liquidation-event.ts';

/**
 * Where a feed delivers market data. The real one writes through Wick's public API; tests use a
 * recording one. Both calls may throw; callers classify the error (see ingest-error.ts).
 */
export interface IngestSink {
  /** 1m candles of one symbol, unique open times; an idempotent upsert. */
  candles(symbol: string, candles: CandleInput[]): Promise<void>;
  liquidations(events: LiquidationEvent[]): Promise<void>;
}
