import { INTERVAL_MS, candleOpenTime, type SeededRandom } from '@wick/market';
import type { CandleInput } from '../candle-input.ts';
import type { LiquidationEvent } from '../liquidation-event.ts';
import { CandleBuilder } from './candle-builder.ts';
import { decimalsOfAll, roundTo } from './decimals.ts';
import { generateLiquidations, type LiquidationMarket } from './liquidation-generator.ts';
import { PriceWalk, REGIMES, type Regime } from './price-walk.ts';

const MINUTE = INTERVAL_MS['1m'];
/** Longest single step of the walk: a catch-up over minutes still gets a price path. */
const MAX_STEP_MS = 5000;
/** The window the liquidation generator looks back over. */
export const RETURN_WINDOW_MS = 5000;
/** σ of the log price over one second when the stored history cannot tell (≈ 3 % a day). */
const DEFAULT_VOLATILITY_PER_SECOND = 0.03 / Math.sqrt(86_400);

export interface SymbolMarketOptions {
  symbol: string;
  /** The latest stored 1m candles, ascending; the simulation continues the last one. */
  history: CandleInput[];
  now: number;
  random: SeededRandom;
  /** Missing minutes between the last stored candle and now that get filled (older ones stay a gap). */
  maxGapFillMinutes: number;
}

export interface MarketUpdate {
  /** Candles that changed: any that closed (final), then the open one. Unique times, ascending. */
  candles: CandleInput[];
  liquidations: LiquidationEvent[];
}

/** One symbol's simulated market: its price walk, the open candle and the liquidations it causes. */
export class SymbolMarket {
  readonly symbol: string;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  private readonly walk: PriceWalk;
  private readonly random: SeededRandom;
  private readonly volumePerSecond: number;
  private readonly liquidationMarket: LiquidationMarket;
  private candle: CandleBuilder;
  private time: number;
  /** (time, log price) of the last RETURN_WINDOW_MS, oldest first. */
  private readonly recent: { time: number; logPrice: number }[] = [];
  /** Minutes left out between the stored history and the filled part (too long a gap). */
  readonly skippedMinutes: number;

  constructor(options: SymbolMarketOptions) {
    const { history, now, random } = options;
    const last = history.at(-1);
    if (!last) throw new RangeError(`${options.symbol} has no stored 1m candle to continue`);
    this.symbol = options.symbol;
    this.random = random;
    this.priceDecimals = decimalsOfAll(history.flatMap((c) => [c.open, c.high, c.low, c.close]));
    this.qtyDecimals = decimalsOfAll(history.map((c) => c.volume));
    this.volumePerSecond = Math.max(10 ** -this.qtyDecimals, history.reduce((s, c) => s + c.volume, 0) / history.length / 60);
    this.walk = new PriceWalk({ startPrice: last.close, volatilityPerSecond: volatilityOf(history), random });
    const notionalPerMinute = this.volumePerSecond * 60 * last.close;
    this.liquidationMarket = {
      symbol: options.symbol,
      priceDecimals: this.priceDecimals,
      qtyDecimals: this.qtyDecimals,
      medianNotional: Math.min(50_000, Math.max(100, notionalPerMinute * 0.002)),
    };

    const currentMinute = candleOpenTime('1m', now);
    if (last.time >= currentMinute) {
      // The stored candle is the open one: keep moving it from here.
      this.candle = CandleBuilder.continuing(last, this.qtyDecimals);
      this.time = now;
      this.skippedMinutes = 0;
    } else {
      const missing = (currentMinute - last.time) / MINUTE - 1;
      this.skippedMinutes = Math.max(0, missing - options.maxGapFillMinutes);
      const firstFilled = last.time + (1 + this.skippedMinutes) * MINUTE;
      this.candle = CandleBuilder.opening(firstFilled, this.tick(last.close), this.qtyDecimals);
      this.time = firstFilled;
    }
  }

  get price(): number {
    return this.candle.lastPrice;
  }

  get regime(): Regime {
    return this.walk.regime;
  }

  /**
   * Moves the market to `to`: the open candle takes the price path; each minute boundary passed
   * closes the candle at that instant and opens the next at its close. With `live` false (filling
   * a gap) no liquidations are made.
   */
  advance(to: number, live = true): MarketUpdate {
    const candles: CandleInput[] = [];
    const liquidations: LiquidationEvent[] = [];
    while (this.time < to) {
      const boundary = this.candle.closeTime;
      const stepEnd = Math.min(to, boundary, this.time + MAX_STEP_MS);
      const dtMs = stepEnd - this.time;
      const price = this.tick(this.walk.step(dtMs));
      this.remember(stepEnd);
      const intensity = REGIMES[this.walk.regime].volatility;
      const volume = this.volumePerSecond * (dtMs / 1000) * intensity ** 0.8 * this.random.logNormal(0.5);
      this.candle.trade(price, volume, 1 + Math.floor((dtMs / 1000) * 3 * intensity * this.random.next()));
      if (live) {
        liquidations.push(
          ...generateLiquidations(this.liquidationMarket, { time: stepEnd, spanMs: dtMs, price, move: this.recentMove() }, this.random),
        );
      }
      this.time = stepEnd;
      if (stepEnd === boundary) {
        candles.push(this.candle.snapshot());
        this.candle = CandleBuilder.opening(boundary, this.candle.lastPrice, this.qtyDecimals);
      }
    }
    candles.push(this.candle.snapshot());
    return { candles, liquidations };
  }

  /** Log return over the last RETURN_WINDOW_MS in units of its calm standard deviation. */
  recentMove(): number {
    const first = this.recent[0];
    const last = this.recent.at(-1);
    if (!first || !last || last.time === first.time) return 0;
    const sigma = this.walk.volatilityPerSecond * Math.sqrt(RETURN_WINDOW_MS / 1000);
    return (last.logPrice - first.logPrice) / sigma;
  }

  private remember(time: number): void {
    this.recent.push({ time, logPrice: Math.log(this.walk.price) });
    while (this.recent.length > 2 && this.recent[1]!.time <= time - RETURN_WINDOW_MS) this.recent.shift();
  }

  /** A price on the market's tick, never below one tick. */
  private tick(price: number): number {
    return Math.max(10 ** -this.priceDecimals, roundTo(price, this.priceDecimals));
  }
}

/** σ of the log price per second implied by the stored closes (per-minute σ / √60), within sane bounds. */
function volatilityOf(history: CandleInput[]): number {
  const returns: number[] = [];
  for (let i = 1; i < history.length; i++) returns.push(Math.log(history[i]!.close / history[i - 1]!.close));
  if (returns.length < 5) return DEFAULT_VOLATILITY_PER_SECOND;
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const variance = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  const perSecond = Math.sqrt(variance / 60);
  return Math.min(5e-3, Math.max(1e-5, perSecond || DEFAULT_VOLATILITY_PER_SECOND));
}
