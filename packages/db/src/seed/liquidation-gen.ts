import type { Side, SeededRandom as Prng } from '@wick/market';
import { LIQUIDATION_FIELD_COLUMNS, type LiquidationFields } from '../liquidation-fields.ts';
import type { MinuteCandles } from './candle-walk.ts';
import { formatScaled } from './decimal.ts';
import type { MarketSpec } from './markets.ts';

/** A row in LOAD DATA / INSERT order: symbol_id, then the liquidation's fields. */
export type SeedLiquidation = [symbolId: number, ...fields: LiquidationFields];

export const SEED_LIQUIDATION_COLUMNS = ['symbol_id', ...LIQUIDATION_FIELD_COLUMNS] as const;

/** Draws `count` minutes with probability rising steeply with the minute's range: clustering. */
function minuteCounts(c: MinuteCandles, count: number, rng: Prng): Uint32Array {
  const cum = new Float64Array(c.n);
  let total = 0;
  let meanRange = 0;
  for (let i = 0; i < c.n; i++) meanRange += (c.high[i]! - c.low[i]!) / c.open[i]!;
  meanRange = meanRange / c.n || 1;
  for (let i = 0; i < c.n; i++) {
    const r = (c.high[i]! - c.low[i]!) / c.open[i]! / meanRange;
    total += 0.05 + r * r * r;
    cum[i] = total;
  }
  const counts = new Uint32Array(c.n);
  for (let k = 0; k < count; k++) {
    const x = rng.next() * total;
    let lo = 0;
    let hi = c.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return counts;
}

/**
 * Liquidations for one market, minute by minute: sides follow the minute's direction (a falling
 * market liquidates longs = SELL orders), many share an exact millisecond (cascades hit one
 * matching-engine tick), notional is Pareto-distributed. Rows are unique on the table's natural
 * key by construction (a per-minute set; a clash bumps the quantity by one lot). No trade time is
 * after `notAfter` (the present, when the candles end at the open minute).
 */
export function* generateLiquidations(
  spec: MarketSpec,
  symbolId: number,
  c: MinuteCandles,
  startMs: number,
  count: number,
  rng: Prng,
  notAfter = Number.POSITIVE_INFINITY,
): Generator<SeedLiquidation> {
  const counts = minuteCounts(c, count, rng);
  const lot = 10 ** spec.lotDecimals;
  const tick = 10 ** spec.priceDecimals;
  const seen = new Set<string>();
  const bursts = [0, 0, 0];
  for (let m = 0; m < c.n; m++) {
    const k = counts[m]!;
    if (k === 0) continue;
    seen.clear();
    const minuteStart = startMs + m * 60_000;
    // The whole minute, or up to the present in the open one.
    const span = Math.max(1, Math.min(60_000, notAfter - minuteStart + 1));
    const nb = 1 + rng.int(3);
    for (let b = 0; b < nb; b++) bursts[b] = minuteStart + rng.int(span);
    const falling = c.close[m]! < c.open[m]!;
    const high = c.high[m]!;
    const low = c.low[m]!;
    for (let j = 0; j < k; j++) {
      const time = rng.next() < 0.6 ? bursts[rng.int(nb)]! : minuteStart + rng.int(span);
      const side: Side = rng.next() < (falling ? 0.8 : 0.2) ? 'SELL' : 'BUY';
      const avg = Math.max(1, Math.round(low + rng.next() * (high - low)));
      const slip = 0.0005 + 0.004 * rng.next();
      const price = Math.max(1, Math.round(avg * (side === 'SELL' ? 1 - slip : 1 + slip)));
      const usd = Math.min(10_000_000, rng.pareto(100, 1.2));
      let qty = Math.max(1, Math.round((usd / (avg / tick)) * lot));
      let key = `${time}|${side}|${price}|${qty}`;
      while (seen.has(key)) {
        qty += 1;
        key = `${time}|${side}|${price}|${qty}`;
      }
      seen.add(key);
      const expired = rng.next() < 0.03;
      const filled = expired ? Math.max(1, Math.floor(qty * rng.next())) : qty;
      const filledText = formatScaled(filled, spec.lotDecimals);
      yield [
        symbolId,
        side,
        'LIMIT',
        'IOC',
        formatScaled(qty, spec.lotDecimals),
        formatScaled(price, spec.priceDecimals),
        formatScaled(avg, spec.priceDecimals),
        expired ? 'EXPIRED' : 'FILLED',
        filledText,
        filledText,
        time,
      ];
    }
  }
}
