import { describe, expect, it } from 'vitest';
import { SeededRandom, generateLiquidations, liquidationEventSchema, type LiquidationEvent, type LiquidationMarket } from '../src/index.ts';

const BTC: LiquidationMarket = { symbol: 'BTCUSDT', priceDecimals: 1, qtyDecimals: 3, medianNotional: 5000 };
const T = Date.UTC(2025, 5, 1, 12);

/** Liquidations over `seconds` half-second spans, all at the same `move`. */
function over(seconds: number, move: number, seed = 1): LiquidationEvent[] {
  const random = new SeededRandom(seed);
  const out: LiquidationEvent[] = [];
  for (let i = 0; i < seconds * 2; i++)
    out.push(...generateLiquidations(BTC, { time: T + i * 500, spanMs: 500, price: 60_000, move }, random));
  return out;
}

const notional = (e: LiquidationEvent) => Number(e.averagePrice) * Number(e.accumulatedFillQuantity);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('generateLiquidations', () => {
  it('makes more and bigger liquidations the faster price moves', () => {
    const calm = over(3600, 0);
    const fast = over(3600, -4);
    // Calm: ~1 per 40 s → ~90 in an hour; at |move| = 4 the rate is e^2.8 ≈ 16× that.
    expect(calm.length).toBeGreaterThan(50);
    expect(calm.length).toBeLessThan(140);
    expect(fast.length).toBeGreaterThan(8 * calm.length);
    expect(mean(fast.map(notional))).toBeGreaterThan(5 * mean(calm.map(notional)));
  });

  it('liquidates longs (SELL) on drops and shorts (BUY) on rises; either side when calm', () => {
    const share = (events: LiquidationEvent[], side: string) => events.filter((e) => e.side === side).length / events.length;
    expect(share(over(1800, -3), 'SELL')).toBeGreaterThan(0.8);
    expect(share(over(1800, 3), 'BUY')).toBeGreaterThan(0.8);
    const calm = share(over(7200, 0.2), 'SELL');
    expect(calm).toBeGreaterThan(0.3);
    expect(calm).toBeLessThan(0.7);
  });

  it('is shaped like Binance forceOrder, with exact decimals at the market precision', () => {
    const events = over(600, -5);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(liquidationEventSchema.parse(e)).toEqual(e);
      expect(e).toMatchObject({ symbol: 'BTCUSDT', orderType: 'LIMIT', timeInForce: 'IOC', orderStatus: 'FILLED' });
      expect(e.price).toMatch(/^\d+\.\d$/);
      expect(e.averagePrice).toMatch(/^\d+\.\d$/);
      expect(e.originalQuantity).toMatch(/^\d+\.\d{3}$/);
      expect(Number(e.originalQuantity)).toBeGreaterThanOrEqual(0.001);
      expect(e.lastFillQuantity).toBe(e.originalQuantity);
      expect(e.accumulatedFillQuantity).toBe(e.originalQuantity);
      // The limit price lies beyond the average fill: below it for a SELL, above it for a BUY.
      if (e.side === 'SELL') expect(Number(e.price)).toBeLessThan(Number(e.averagePrice));
      else expect(Number(e.price)).toBeGreaterThan(Number(e.averagePrice));
      expect(Number.isInteger(e.orderTradeTime)).toBe(true);
      expect(e.orderTradeTime).toBeGreaterThanOrEqual(T - 500);
      expect(e.orderTradeTime).toBeLessThanOrEqual(T + 600_000);
    }
  });

  it('orders the events of one span by trade time and caps how many one span can make', () => {
    const random = new SeededRandom(3);
    const burst = generateLiquidations(BTC, { time: T, spanMs: 600_000, price: 60_000, move: -6 }, random);
    expect(burst.length).toBe(50);
    const times = burst.map((e) => e.orderTradeTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
