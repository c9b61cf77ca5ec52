import { INTERVAL_MS } from '@wick/market';
import type { CandleInput } from '../candle-input.ts';
import { roundTo } from './decimals.ts';

/**
 * The open 1m candle being built from price updates. Prices arrive already rounded to the market's
 * tick; volume is counted in whole lots so that sums stay exact decimals. OHLC stays consistent by
 * construction: every price widens high/low, close is the last price.
 */
export class CandleBuilder {
  private high: number;
  private low: number;
  private close: number;
  private lots: number;
  private quoteVolume: number;
  private trades: number;

  private constructor(
    readonly time: number,
    readonly open: number,
    private readonly qtyDecimals: number,
    state: { high: number; low: number; close: number; volume: number; quoteVolume: number; trades: number },
  ) {
    this.high = state.high;
    this.low = state.low;
    this.close = state.close;
    this.lots = Math.round(state.volume * 10 ** qtyDecimals);
    this.quoteVolume = state.quoteVolume;
    this.trades = state.trades;
  }

  /** A fresh candle opening at `open` (the previous close). */
  static opening(time: number, open: number, qtyDecimals: number): CandleBuilder {
    return new CandleBuilder(time, open, qtyDecimals, { high: open, low: open, close: open, volume: 0, quoteVolume: 0, trades: 0 });
  }

  /** Continues a stored candle that is still open; its notional is estimated (the API does not return it). */
  static continuing(stored: CandleInput, qtyDecimals: number): CandleBuilder {
    return new CandleBuilder(stored.time, stored.open, qtyDecimals, {
      high: stored.high,
      low: stored.low,
      close: stored.close,
      volume: stored.volume,
      quoteVolume: stored.quoteVolume ?? stored.volume * ((stored.open + stored.close) / 2),
      trades: stored.trades ?? 0,
    });
  }

  get closeTime(): number {
    return this.time + INTERVAL_MS['1m'];
  }

  get lastPrice(): number {
    return this.close;
  }

  /** One price update with the volume traded since the last one. */
  trade(price: number, volume: number, trades: number): void {
    this.close = price;
    if (price > this.high) this.high = price;
    if (price < this.low) this.low = price;
    const lots = Math.max(0, Math.round(volume * 10 ** this.qtyDecimals));
    this.lots += lots;
    this.quoteVolume += (lots / 10 ** this.qtyDecimals) * price;
    this.trades += trades;
  }

  snapshot(): CandleInput {
    return {
      time: this.time,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.lots / 10 ** this.qtyDecimals,
      quoteVolume: roundTo(this.quoteVolume, 8),
      trades: this.trades,
    };
  }
}
