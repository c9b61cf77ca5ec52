import type { Side, SeededRandom } from '@wick/market';
import type { LiquidationEvent } from '../liquidation-event.ts';
import { roundTo, toDecimalString } from './decimals.ts';

export interface LiquidationMarket {
  symbol: string;
  priceDecimals: number;
  qtyDecimals: number;
  /** Median notional (quote currency) of one liquidation in calm trading. */
  medianNotional: number;
}

export interface LiquidationMoment {
  /** End of the span the liquidations fall in (ms). */
  time: number;
  /** Length of that span (ms). */
  spanMs: number;
  /** Current price, rounded to the tick. */
  price: number;
  /**
   * Log return over the recent window divided by its calm standard deviation: how unusual the
   * move is, and its direction (negative = a drop).
   */
  move: number;
}

/** In calm trading, about one liquidation every 40 s per symbol. */
const CALM_RATE_PER_SECOND = 1 / 40;
/** Each unit of |move| multiplies the rate by e^0.7 ≈ 2 (up to |move| = 6: ~65×). */
const RATE_GROWTH = 0.7;
const MAX_MOVE = 6;
/** Upper bound per call, so one huge step cannot flood the API. */
const MAX_PER_SPAN = 50;

/**
 * Liquidations that cluster where price moves fast: the rate grows exponentially with |move| and
 * sizes with (1 + |move|)^1.5. On a fast drop it is mostly longs that get liquidated (SELL
 * orders), on a fast rise shorts (BUY); in calm trading either side. Fields are shaped like
 * Binance forceOrder (LIMIT, IOC, FILLED; the limit price beyond the average fill price) with
 * exact decimal strings at the market's decimals.
 */
export function generateLiquidations(market: LiquidationMarket, at: LiquidationMoment, random: SeededRandom): LiquidationEvent[] {
  const strength = Math.min(Math.abs(at.move), MAX_MOVE);
  const rate = CALM_RATE_PER_SECOND * Math.exp(RATE_GROWTH * strength);
  const count = Math.min(MAX_PER_SPAN, random.poisson(rate * (at.spanMs / 1000)));
  const tick = 10 ** -market.priceDecimals;
  const lot = 10 ** -market.qtyDecimals;
  const events: LiquidationEvent[] = [];
  for (let i = 0; i < count; i++) {
    const side = sideFor(at.move, random);
    const notional = market.medianNotional * (1 + strength) ** 1.5 * random.logNormal(0.9);
    const quantity = Math.max(lot, roundTo(notional / at.price, market.qtyDecimals));
    // Fills slip against the liquidated side; the order's limit price sits further out.
    const slip = 0.0002 * (1 + strength) * random.next();
    const sign = side === 'SELL' ? -1 : 1;
    const averagePrice = Math.max(tick, roundTo(at.price * (1 + sign * slip), market.priceDecimals));
    const price = Math.max(tick, roundTo(averagePrice * (1 + sign * (0.003 + 0.004 * random.next())), market.priceDecimals));
    const qty = toDecimalString(quantity, market.qtyDecimals);
    events.push({
      symbol: market.symbol,
      side,
      orderType: 'LIMIT',
      timeInForce: 'IOC',
      originalQuantity: qty,
      price: toDecimalString(price, market.priceDecimals),
      averagePrice: toDecimalString(averagePrice, market.priceDecimals),
      orderStatus: 'FILLED',
      lastFillQuantity: qty,
      accumulatedFillQuantity: qty,
      orderTradeTime: Math.round(at.time - random.next() * at.spanMs),
    });
  }
  return events.sort((a, b) => a.orderTradeTime - b.orderTradeTime);
}

function sideFor(move: number, random: SeededRandom): Side {
  if (Math.abs(move) < 1) return random.next() < 0.5 ? 'SELL' : 'BUY';
  const withTheMove: Side = move < 0 ? 'SELL' : 'BUY';
  if (random.next() < 0.9) return withTheMove;
  return withTheMove === 'SELL' ? 'BUY' : 'SELL';
}
