import type { SeededRandom as Prng } from '@wick/market';
import type { MarketSpec } from './markets.ts';

/**
 * 1m candles as integer units (price ticks of 10^-priceDecimals, volume lots of 10^-lotDecimals,
 * quote volume in cents): exact decimals once formatted, so the roll-ups stay exact too.
 */
export interface MinuteCandles {
  n: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  quoteCents: Float64Array;
  trades: Float64Array;
  /** Volatility regime multiplier per minute (drives liquidation clustering). */
  regime: Float64Array;
}

/**
 * Log-price random walk with a mean-reverting volatility regime and rare jumps: calm stretches,
 * bursts where price moves fast (and liquidations cluster), fat-tailed minute returns.
 */
export function walkMinutes(spec: MarketSpec, minutes: number, rng: Prng): MinuteCandles {
  const tick = 10 ** spec.priceDecimals;
  const lot = 10 ** spec.lotDecimals;
  const sigma = spec.dailyVol / Math.sqrt(1440);
  const c: MinuteCandles = {
    n: minutes,
    open: new Float64Array(minutes),
    high: new Float64Array(minutes),
    low: new Float64Array(minutes),
    close: new Float64Array(minutes),
    volume: new Float64Array(minutes),
    quoteCents: new Float64Array(minutes),
    trades: new Float64Array(minutes),
    regime: new Float64Array(minutes),
  };
  let logVol = 0;
  let price = spec.price;
  let prevClose = Math.max(1, Math.round(price * tick));
  for (let i = 0; i < minutes; i++) {
    // log-volatility AR(1) with occasional shocks.
    logVol = 0.985 * logVol + 0.12 * rng.normal() + (rng.next() < 0.002 ? 1.5 : 0);
    const regime = Math.exp(logVol);
    const s = sigma * regime;
    const jump = rng.next() < 0.0005 ? rng.normal() * s * 8 : 0;
    // Weak pull back to the start price keeps multi-week runs plausible.
    const drift = -0.00002 * Math.log(price / spec.price);
    price = price * Math.exp(drift + s * rng.normal() + jump);
    const open = prevClose;
    const close = Math.max(1, Math.round(price * tick));
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    const high = Math.max(top, Math.round(top * Math.exp(Math.abs(rng.normal()) * s * 0.6)));
    const low = Math.max(1, Math.min(bottom, Math.round(bottom * Math.exp(-Math.abs(rng.normal()) * s * 0.6))));
    const mid = (open + high + low + close) / 4 / tick;
    const usd = spec.usdPerMinute * regime * (0.5 + rng.next());
    const volume = Math.max(1, Math.round((usd / mid) * lot));
    c.open[i] = open;
    c.high[i] = high;
    c.low[i] = low;
    c.close[i] = close;
    c.volume[i] = volume;
    c.quoteCents[i] = Math.round((volume / lot) * mid * 100);
    c.trades[i] = 1 + Math.round((usd / 2_000) * (0.8 + 0.4 * rng.next()));
    c.regime[i] = regime;
    prevClose = close;
  }
  return c;
}
