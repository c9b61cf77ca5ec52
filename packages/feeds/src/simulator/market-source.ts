import type { WickClient } from '@wick/client';
import type { CandleInput } from '../candle-input.ts';

/** What the simulator asks Wick before it starts: which symbols exist and where each one's 1m candles end. */
export interface MarketSource {
  /** Active symbol names. */
  listSymbols(): Promise<string[]>;
  /** The latest `limit` 1m candles of `symbol`, ascending (empty when it has none). */
  latestCandles(symbol: string, limit: number): Promise<CandleInput[]>;
}

/** The market source over Wick's public API (`symbols.list`, `candles.range`). */
export function clientMarketSource(client: WickClient): MarketSource {
  return {
    async listSymbols() {
      const { symbols } = await client.symbols.list.query();
      return symbols.filter((s) => s.active).map((s) => s.name);
    },
    async latestCandles(symbol, limit) {
      const { candles: c } = await client.candles.range.query({ symbol, interval: '1m', limit });
      return c.time.map((time, i) => ({
        time,
        open: c.open[i]!,
        high: c.high[i]!,
        low: c.low[i]!,
        close: c.close[i]!,
        volume: c.volume[i]!,
      }));
    },
  };
}
