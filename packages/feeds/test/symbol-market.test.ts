import { describe, expect, it } from 'vitest';
import { SeededRandom, SymbolMarket, isOhlcConsistent, type CandleInput } from '../src/index.ts';

const MINUTE = 60_000;
const T = Date.UTC(2025, 5, 1, 12, 0);

/** Stored history: `n` closed-looking 1m candles ending with the one at `last`, prices in cents. */
function history(n: number, last: number, price = 2300): CandleInput[] {
  return Array.from({ length: n }, (_, i) => {
    const p = Math.round((price + Math.sin(i) * 3) * 100) / 100;
    return { time: last - (n - 1 - i) * MINUTE, open: p, high: p + 0.5, low: p - 0.5, close: p, volume: 12.34 };
  });
}

function market(stored: CandleInput[], now: number, maxGapFillMinutes = 1440): SymbolMarket {
  return new SymbolMarket({ symbol: 'ETHUSDT', history: stored, now, random: new SeededRandom(7), maxGapFillMinutes });
}

describe('SymbolMarket', () => {
  it('continues a stored open candle: its open stays, updates only widen high/low, volume only grows', () => {
    const stored = history(30, T);
    const m = market(stored, T + 20_000);
    const before = stored.at(-1)!;
    let prev = before;
    for (let t = T + 20_500; t < T + MINUTE; t += 500) {
      const { candles } = m.advance(t);
      expect(candles).toHaveLength(1);
      const c = candles[0]!;
      expect(c.time).toBe(T);
      expect(c.open).toBe(before.open);
      expect(c.high).toBeGreaterThanOrEqual(prev.high);
      expect(c.low).toBeLessThanOrEqual(prev.low);
      expect(c.volume).toBeGreaterThanOrEqual(prev.volume);
      expect(isOhlcConsistent(c)).toBe(true);
      prev = c;
    }
  });

  it('closes the candle exactly on the minute and opens the next at its close', () => {
    const m = market(history(30, T), T + 50_000);
    const updates: CandleInput[] = [];
    for (let t = T + 50_500; t <= T + 3 * MINUTE + 10_000; t += 500) updates.push(...m.advance(t).candles);
    const finals = new Map<number, CandleInput>();
    for (const c of updates) finals.set(c.time, c);
    expect([...finals.keys()]).toEqual([T, T + MINUTE, T + 2 * MINUTE, T + 3 * MINUTE]);
    for (const t of [T + MINUTE, T + 2 * MINUTE, T + 3 * MINUTE]) {
      expect(finals.get(t)!.open).toBe(finals.get(t - MINUTE)!.close);
    }
    // Every state of a minute is bounded by its final state (OHLC consistent with the updates sent).
    for (const c of updates) {
      const last = finals.get(c.time)!;
      expect(last.high).toBeGreaterThanOrEqual(c.high);
      expect(last.low).toBeLessThanOrEqual(c.low);
      expect(last.high).toBeGreaterThanOrEqual(c.close);
      expect(last.low).toBeLessThanOrEqual(c.close);
      expect(isOhlcConsistent(c)).toBe(true);
    }
  });

  it('keeps prices on the stored tick and volumes in whole lots', () => {
    const m = market(history(30, T), T + 1000);
    for (let t = T + 1500; t < T + 5 * MINUTE; t += 500) {
      for (const c of m.advance(t).candles) {
        for (const v of [c.open, c.high, c.low, c.close]) expect(Math.round(v * 100) / 100).toBe(v);
        expect(Math.round(c.volume * 100) / 100).toBe(c.volume);
      }
    }
    expect(m.priceDecimals).toBe(2);
    expect(m.qtyDecimals).toBe(2);
  });

  it('fills the minutes missing since the last stored candle, leaving the part beyond the limit empty', () => {
    const stored = history(30, T);
    const now = T + 10 * MINUTE + 5000;
    const filled = market(stored, now).advance(now, false).candles;
    expect(filled.map((c) => c.time)).toEqual(Array.from({ length: 10 }, (_, i) => T + (i + 1) * MINUTE));
    expect(filled[0]!.open).toBe(stored.at(-1)!.close);

    const bounded = market(stored, now, 4);
    expect(bounded.skippedMinutes).toBe(5);
    expect(bounded.advance(now, false).candles.map((c) => c.time)).toEqual([6, 7, 8, 9, 10].map((i) => T + i * MINUTE));
  });

  it('refuses a symbol without stored candles', () => {
    expect(() => market([], T)).toThrow(/no stored 1m candle/);
  });

  it('clusters liquidations where price moves fast, on the side the move hurts', () => {
    const m = new SymbolMarket({ symbol: 'ETHUSDT', history: history(60, T), now: T, random: new SeededRandom(21), maxGapFillMinutes: 0 });
    const calm: number[] = [];
    const fast: { count: number; sells: number; buys: number; move: number }[] = [];
    // Four simulated hours at 2 updates/s.
    for (let t = T + 500; t <= T + 4 * 3600_000; t += 500) {
      const { liquidations } = m.advance(t);
      const move = m.recentMove();
      if (Math.abs(move) < 1) calm.push(liquidations.length);
      else if (Math.abs(move) > 3) {
        const sells = liquidations.filter((e) => e.side === 'SELL').length;
        fast.push({ count: liquidations.length, sells, buys: liquidations.length - sells, move });
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(fast.length).toBeGreaterThan(200);
    expect(mean(fast.map((f) => f.count))).toBeGreaterThan(5 * mean(calm));
    const drops = fast.filter((f) => f.move < 0);
    const rises = fast.filter((f) => f.move > 0);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(drops.map((f) => f.sells))).toBeGreaterThan(3 * sum(drops.map((f) => f.buys)));
    expect(sum(rises.map((f) => f.buys))).toBeGreaterThan(3 * sum(rises.map((f) => f.sells)));
  });
});
