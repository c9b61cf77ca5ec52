import { describe, expect, it } from 'vitest';
import { choiceKey, formatIndicators, layoutFromParams, layoutToParams, parseIndicators, type Layout } from './layout.ts';

describe('layout in the URL', () => {
  it('round-trips symbol, interval, indicators with params, and theme', () => {
    const layout: Layout = {
      symbol: 'ETHUSDT',
      interval: '15m',
      indicators: [
        { name: 'rsi', params: { period: 21 } },
        { name: 'bbands', params: { period: 20, stdDev: 2.5 } },
        { name: 'vwap', params: {} },
      ],
      theme: 'light',
    };
    expect(layoutFromParams(layoutToParams(layout))).toEqual(layout);
  });

  it('drops malformed parts and duplicates, keeps the rest, caps at 10 indicators', () => {
    expect(parseIndicators('rsi:period=14;Bad Name;rsi:period=14;sma:period=50,x y=1;;')).toEqual([
      { name: 'rsi', params: { period: 14 } },
      { name: 'sma', params: { period: 50 } },
    ]);
    const many = Array.from({ length: 14 }, (_, i) => `sma:period=${i + 2}`).join(';');
    expect(parseIndicators(many)).toHaveLength(10);
  });

  it('falls back field by field when the URL names something invalid', () => {
    const fallback: Layout = { symbol: 'BTCUSDT', interval: '1h', indicators: [{ name: 'ema', params: {} }], theme: 'dark' };
    const parsed = layoutFromParams(new URLSearchParams('symbol=btc-usdt&interval=7m&theme=pink'), fallback);
    expect(parsed).toEqual(fallback);
  });

  it('gives the same key to the same choice whatever the param order', () => {
    expect(choiceKey({ name: 'bbands', params: { stdDev: 2, period: 20 } })).toBe(
      choiceKey({ name: 'bbands', params: { period: 20, stdDev: 2 } }),
    );
    expect(formatIndicators([{ name: 'macd', params: {} }])).toBe('macd');
  });
});
