// Configuration from the environment: defaults, bounds, and errors that say what to fix. No server.
import { describe, expect, it } from 'vitest';
import { INTERVALS } from '@wick/market';
import { loadConfig } from '@wick/server';

describe('loadConfig', () => {
  it('has working defaults for local use', () => {
    const c = loadConfig({});
    expect([c.HOST, c.PORT, c.NODE_ENV, c.RATE_LIMIT]).toEqual(['127.0.0.1', 3000, 'development', 600]);
    expect(c.WARM).toEqual([]);
  });

  it('reads WARM items with the shared symbol and interval rules', () => {
    const c = loadConfig({ WARM: ' BTCUSDT:1m:rsi, ETHUSDT:4h:macd ,SOL1USDT:1d:bbands' });
    expect(c.WARM).toEqual([
      { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi' },
      { symbol: 'ETHUSDT', interval: '4h', indicator: 'macd' },
      { symbol: 'SOL1USDT', interval: '1d', indicator: 'bbands' },
    ]);
    for (const interval of INTERVALS) expect(loadConfig({ WARM: `BTCUSDT:${interval}:sma` }).WARM[0]!.interval).toBe(interval);
  });

  it.each([
    'BTCUSDT-1m-rsi', // wrong separator
    'BTCUSDT:2m:rsi', // not an interval Wick stores
    'btcusdt:1m:rsi', // symbols are upper case
    'B:1m:rsi', // too short for a symbol
    'BTCUSDT:1m:RSI', // indicator names are lower case
    'BTCUSDT:1m:rsi:14', // one part too many
  ])('rejects WARM=%s naming the expected form, the intervals and the item', (item) => {
    expect(() => loadConfig({ WARM: item })).toThrow(
      new RegExp(
        `^Invalid configuration: WARM\\.0: WARM items look like BTCUSDT:1m:rsi \\(intervals: ${INTERVALS.join(', ')}\\); got "${item}"$`,
      ),
    );
  });

  it('names every invalid setting at once', () => {
    expect(() => loadConfig({ PORT: '70000', CURSOR_SECRET: 'short', LOG_LEVEL: 'loud' })).toThrow(
      /PORT: .*LOG_LEVEL: .*CURSOR_SECRET: must be at least 16 characters/,
    );
  });
});

describe('loadConfig across variables', () => {
  it('refuses a headers timeout longer than the request timeout, naming both', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '120000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS \(120000\) must be at most HTTP_REQUEST_TIMEOUT_MS \(30000\)/,
    );
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '120000', HTTP_REQUEST_TIMEOUT_MS: '120000' }).HTTP_HEADERS_TIMEOUT_MS).toBe(120_000);
  });
});
