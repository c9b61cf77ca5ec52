import { describe, expect, it } from 'vitest';
import { CandleFreshness, combinedStreamUrl, parseStreamFrame, type KlineUpdate } from '../src/index.ts';

// Binance's own examples (USDⓈ-M docs: Kline/Candlestick Streams, Liquidation Order Streams), wrapped as combined-stream frames.
const KLINE_DOC = {
  e: 'kline',
  E: 1638747660000,
  s: 'BTCUSDT',
  k: {
    t: 1638747660000,
    T: 1638747719999,
    s: 'BTCUSDT',
    i: '1m',
    f: 100,
    L: 200,
    o: '0.0010',
    c: '0.0020',
    h: '0.0025',
    l: '0.0015',
    v: '1000',
    n: 100,
    x: false,
    q: '1.0000',
    V: '500',
    Q: '0.500',
    B: '123456',
  },
};
const FORCE_ORDER_DOC = {
  e: 'forceOrder',
  E: 1568014460893,
  o: {
    s: 'BTCUSDT',
    S: 'SELL',
    o: 'LIMIT',
    f: 'IOC',
    q: '0.014',
    p: '9910',
    ap: '9910',
    X: 'FILLED',
    l: '0.014',
    z: '0.014',
    T: 1568014460893,
  },
};

describe('parseStreamFrame', () => {
  it("reads Binance's forceOrder example field by field, keeping the decimal strings", () => {
    expect(parseStreamFrame(JSON.stringify({ stream: 'btcusdt@forceOrder', data: FORCE_ORDER_DOC }))).toEqual({
      kind: 'liquidation',
      eventTime: 1568014460893,
      event: {
        symbol: 'BTCUSDT',
        side: 'SELL',
        orderType: 'LIMIT',
        timeInForce: 'IOC',
        originalQuantity: '0.014',
        price: '9910',
        averagePrice: '9910',
        orderStatus: 'FILLED',
        lastFillQuantity: '0.014',
        accumulatedFillQuantity: '0.014',
        orderTradeTime: 1568014460893,
      },
    });
  });

  it('reads a kline frame into a candle with quote volume and trades', () => {
    const sane = { ...KLINE_DOC, k: { ...KLINE_DOC.k, o: '0.0016', c: '0.0020', h: '0.0025', l: '0.0015' } };
    expect(parseStreamFrame(JSON.stringify({ stream: 'btcusdt@kline_1m', data: sane }))).toEqual({
      kind: 'kline',
      symbol: 'BTCUSDT',
      eventTime: 1638747660000,
      final: false,
      candle: { time: 1638747660000, open: 0.0016, high: 0.0025, low: 0.0015, close: 0.002, volume: 1000, quoteVolume: 1, trades: 100 },
    });
  });

  it('calls malformed what it cannot use, and says why', () => {
    const frame = (data: unknown, stream = 'btcusdt@kline_1m') => JSON.stringify({ stream, data });
    const reasons = [
      'not json {',
      JSON.stringify({ hello: 'world' }),
      // Binance's kline example itself: its open (0.0010) lies below its low (0.0015).
      frame(KLINE_DOC),
      frame({ ...KLINE_DOC, k: { ...KLINE_DOC.k, c: 'abc' } }),
      frame({ ...KLINE_DOC, k: { ...KLINE_DOC.k, i: '5m', o: '0.0016' } }),
      frame({ ...KLINE_DOC, k: { ...KLINE_DOC.k, t: 1638747660001, o: '0.0016' } }),
      frame({ ...FORCE_ORDER_DOC, o: { ...FORCE_ORDER_DOC.o, S: 'SIDEWAYS' } }, 'btcusdt@forceOrder'),
      frame({ ...FORCE_ORDER_DOC, o: { ...FORCE_ORDER_DOC.o, q: '-1' } }, 'btcusdt@forceOrder'),
    ].map((text) => parseStreamFrame(text));
    for (const r of reasons) expect(r.kind).toBe('malformed');
    expect(reasons.map((r) => (r.kind === 'malformed' ? r.reason : '')).join('\n')).toMatchInlineSnapshot(`
      "not JSON
      not a combined-stream frame {"stream","data"}
      kline: high/low do not bound open/close
      kline: k.c: must be a decimal string
      kline: interval 5m, expected 1m
      kline: open time 1638747660001 is not on a minute
      forceOrder: side: must be BUY (shorts liquidated) or SELL (longs liquidated)
      forceOrder: o.q: must be a decimal string"
    `);
  });

  it('ignores subscription replies and streams it did not ask for', () => {
    expect(parseStreamFrame('{"result":null,"id":1}')).toEqual({ kind: 'ignored', stream: null });
    expect(parseStreamFrame(JSON.stringify({ stream: 'btcusdt@aggTrade', data: {} }))).toEqual({
      kind: 'ignored',
      stream: 'btcusdt@aggTrade',
    });
  });
});

describe('combinedStreamUrl', () => {
  it('asks for each symbol’s 1m kline and forceOrder streams, lower-case', () => {
    expect(combinedStreamUrl('wss://fstream.binance.com/', ['BTCUSDT', 'ETHUSDT'])).toBe(
      'wss://fstream.binance.com/stream?streams=btcusdt@kline_1m/btcusdt@forceOrder/ethusdt@kline_1m/ethusdt@forceOrder',
    );
  });

  it('refuses what one connection cannot carry', () => {
    expect(() => combinedStreamUrl('wss://x', [])).toThrow(/at least one/);
    expect(() => combinedStreamUrl('wss://x', ['btc-usdt'])).toThrow(/not a symbol/);
    expect(() =>
      combinedStreamUrl(
        'wss://x',
        Array.from({ length: 101 }, (_, i) => `S${i}USDT`),
      ),
    ).toThrow(/at most 200/);
  });
});

describe('CandleFreshness', () => {
  const T = Date.UTC(2025, 0, 1);
  const update = (time: number, eventTime: number, trades: number, final = false): KlineUpdate => ({
    kind: 'kline',
    symbol: 'BTCUSDT',
    eventTime,
    final,
    candle: { time, open: 1, high: 1, low: 1, close: 1, volume: trades, trades },
  });

  it('takes newer states, refuses duplicates, older ones and anything after the final', () => {
    const f = new CandleFreshness();
    expect(f.accept(update(T, 10, 5))).toBe(true);
    expect(f.accept(update(T, 10, 5))).toBe(false);
    expect(f.accept(update(T, 9, 4))).toBe(false);
    expect(f.accept(update(T, 10, 6))).toBe(true);
    expect(f.accept(update(T, 12, 8, true))).toBe(true);
    expect(f.accept(update(T, 13, 9))).toBe(false);
    expect(f.accept(update(T, 12, 8, true))).toBe(false);
    // Another minute, another symbol: independent.
    expect(f.accept(update(T + 60_000, 11, 1))).toBe(true);
    expect(f.accept({ ...update(T, 1, 1), symbol: 'ETHUSDT' })).toBe(true);
  });

  it('refuses candles from beyond its horizon behind the newest', () => {
    const f = new CandleFreshness(10);
    expect(f.accept(update(T + 20 * 60_000, 1, 1))).toBe(true);
    expect(f.accept(update(T + 10 * 60_000, 1, 1))).toBe(true);
    expect(f.accept(update(T + 9 * 60_000, 1, 1))).toBe(false);
  });
});
