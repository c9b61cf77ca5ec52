import { afterEach, describe, expect, it } from 'vitest';
import { BinanceConnector, systemClock, type BinanceConnectorOptions, type CandleInput } from '../src/index.ts';
import { FakeBinance, forceOrderFrame, klineFrame } from './support/fake-binance.ts';
import { RecordingSink } from './support/recording-sink.ts';
import { testLog } from './support/silent-log.ts';
import { waitUntil } from './support/wait-until.ts';

const MINUTE = 60_000;
const T = Date.UTC(2025, 2, 1, 10, 0);
const candle = (time: number, close: number, volume: number, trades = Math.round(volume)): CandleInput => ({
  time,
  open: 100,
  high: Math.max(100, close) + 1,
  low: Math.min(100, close) - 1,
  close,
  volume,
  quoteVolume: volume * 100,
  trades,
});
const LIQUIDATION = { side: 'SELL' as const, quantity: '0.014', price: '9910.5', averagePrice: '9920.00', tradeTime: T + 1234 };

let binance: FakeBinance;
let connector: BinanceConnector | null = null;
let now = T;

async function start(options: Partial<BinanceConnectorOptions> = {}): Promise<{ sink: RecordingSink; connector: BinanceConnector }> {
  binance = await FakeBinance.start();
  const sink = new RecordingSink();
  connector = new BinanceConnector({
    symbols: ['BTCUSDT', 'ETHUSDT'],
    sink,
    log: testLog,
    wsUrl: binance.wsUrl,
    restUrl: binance.restUrl,
    // `now` is the test's; waits are real but short.
    clock: { now: () => now, sleep: systemClock.sleep },
    pingIntervalMs: 1000,
    silenceTimeoutMs: 10_000,
    flushIntervalMs: 20,
    reconnect: { initialMs: 20, maxMs: 200 },
    statusEveryMs: 3600_000,
    ...options,
  });
  connector.start();
  return { sink, connector };
}

let markers = 0;
/**
 * Sends a marker (an ETHUSDT liquidation, which touches no candle bookkeeping) on a socket and waits
 * until it reached the sink with everything sent before it.
 */
async function settle(sink: RecordingSink, send: (frame: unknown) => void, c: BinanceConnector): Promise<void> {
  const tradeTime = T - 1000 - ++markers;
  send(forceOrderFrame('ETHUSDT', { side: 'BUY', quantity: '0.001', price: '1.0', averagePrice: '1.0', tradeTime }));
  await waitUntil('the marker frame to reach the sink', () => sink.liquidationEvents().some((e) => e.orderTradeTime === tradeTime));
  await c.outbox.idle();
}

/** The liquidations the test sent (markers left out). */
const btcLiquidations = (sink: RecordingSink) => sink.liquidationEvents().filter((e) => e.symbol === 'BTCUSDT');

afterEach(async () => {
  await connector?.stop();
  connector = null;
  await binance?.close();
  now = T;
});

describe('BinanceConnector against a scripted Binance', () => {
  it('follows the combined stream: kline updates and liquidations reach the sink', async () => {
    now = T + 10_000;
    const { sink, connector: c } = await start();
    const s0 = await binance.connection(0);
    expect(s0.streams).toEqual(['btcusdt@kline_1m', 'btcusdt@forceOrder', 'ethusdt@kline_1m', 'ethusdt@forceOrder']);
    s0.send(klineFrame('BTCUSDT', candle(T, 101, 3), { eventTime: T + 1000 }));
    s0.send(klineFrame('BTCUSDT', candle(T, 102, 4), { eventTime: T + 1250 }));
    s0.send(klineFrame('BTCUSDT', candle(T, 103, 6), { eventTime: T + MINUTE, final: true }));
    s0.send(klineFrame('BTCUSDT', candle(T + MINUTE, 104, 1), { eventTime: T + MINUTE + 250 }));
    s0.send(forceOrderFrame('BTCUSDT', LIQUIDATION));
    await settle(sink, (f) => s0.send(f), c);

    const latest = sink.latestCandles('BTCUSDT');
    expect(latest.get(T)).toEqual(candle(T, 103, 6));
    expect(latest.get(T + MINUTE)).toEqual(candle(T + MINUTE, 104, 1));
    expect(btcLiquidations(sink)).toEqual([
      {
        symbol: 'BTCUSDT',
        side: 'SELL',
        orderType: 'LIMIT',
        timeInForce: 'IOC',
        originalQuantity: '0.014',
        price: '9910.5',
        averagePrice: '9920.00',
        orderStatus: 'FILLED',
        lastFillQuantity: '0.014',
        accumulatedFillQuantity: '0.014',
        orderTradeTime: T + 1234,
      },
    ]);
    expect(c.stats).toMatchObject({ connections: 1, reconnects: 0, klineUpdates: 4, staleUpdates: 0, liquidations: 2, malformed: 0 });
  });

  it('drops duplicate and out-of-order frames: a candle never moves backwards', async () => {
    const { sink, connector: c } = await start();
    const s0 = await binance.connection(0);
    s0.send(klineFrame('BTCUSDT', candle(T, 101, 5), { eventTime: T + 10 }));
    s0.send(klineFrame('BTCUSDT', candle(T, 101, 5), { eventTime: T + 10 }));
    s0.send(klineFrame('BTCUSDT', candle(T, 99, 3), { eventTime: T + 8 }));
    s0.send(klineFrame('BTCUSDT', candle(T, 104, 9), { eventTime: T + MINUTE, final: true }));
    s0.send(klineFrame('BTCUSDT', candle(T, 105, 10), { eventTime: T + MINUTE + 1 }));
    s0.send(klineFrame('BTCUSDT', candle(T, 104, 9), { eventTime: T + MINUTE, final: true }));
    s0.send(forceOrderFrame('BTCUSDT', LIQUIDATION));
    s0.send(forceOrderFrame('BTCUSDT', LIQUIDATION));
    await settle(sink, (f) => s0.send(f), c);

    const volumes = sink.candleUpdates('BTCUSDT').map((u) => u.volume);
    expect(volumes.at(-1)).toBe(9);
    expect(volumes).toEqual([...volumes].sort((a, b) => a - b));
    expect(volumes).not.toContain(3);
    expect(volumes).not.toContain(10);
    expect(btcLiquidations(sink)).toHaveLength(1);
    expect(c.stats).toMatchObject({ klineUpdates: 2, staleUpdates: 4, liquidations: 2, duplicateLiquidations: 1 });
  });

  it('logs and skips a malformed frame and keeps the connection', async () => {
    const { sink, connector: c } = await start();
    const s0 = await binance.connection(0);
    s0.sendRaw('}{ not json');
    s0.sendRaw(JSON.stringify({ stream: 'btcusdt@kline_1m', data: { e: 'kline', E: 1 } }));
    s0.sendRaw(JSON.stringify({ stream: 'btcusdt@forceOrder', data: { e: 'forceOrder', E: 1, o: { s: 'BTCUSDT' } } }));
    s0.send(klineFrame('BTCUSDT', candle(T, 101, 5), { eventTime: T + 10 }));
    await settle(sink, (f) => s0.send(f), c);
    expect(sink.latestCandles('BTCUSDT').get(T)).toEqual(candle(T, 101, 5));
    expect(c.stats).toMatchObject({ malformed: 3, connections: 1, reconnects: 0 });
    expect(s0.open).toBe(true);
    expect(binance.sockets).toHaveLength(1);
  });

  it('after the server closes the stream, reconnects and fetches exactly the minutes missed', async () => {
    now = T + 10_000;
    const { sink, connector: c } = await start();
    const rest = Array.from({ length: 11 }, (_, i) => candle(T + (i - 5) * MINUTE, 200 + i, 50 + i));
    binance.addRows('BTCUSDT', rest);
    const s0 = await binance.connection(0);
    s0.send(klineFrame('BTCUSDT', candle(T - MINUTE, 99, 7), { eventTime: T, final: true }));
    s0.send(klineFrame('BTCUSDT', candle(T, 101, 2), { eventTime: T + 9000 }));
    await settle(sink, (f) => s0.send(f), c);

    // Four minutes pass while disconnected: T … T+3m close unseen; T+4m is open when it comes back.
    now = T + 4 * MINUTE + 5000;
    s0.closeFromServer(1001, 'restart');
    const s1 = await binance.connection(1);
    await waitUntil('the backfill', () => c.stats.backfilledCandles > 0);
    await settle(sink, (f) => s1.send(f), c);

    expect(binance.klineRequests).toEqual([{ symbol: 'BTCUSDT', interval: '1m', startTime: T, endTime: T + 4 * MINUTE - 1, limit: 1500 }]);
    const latest = sink.latestCandles('BTCUSDT');
    expect([...latest.keys()].sort((a, b) => a - b)).toEqual([T - MINUTE, T, T + MINUTE, T + 2 * MINUTE, T + 3 * MINUTE]);
    for (let i = 0; i < 4; i++) expect(latest.get(T + i * MINUTE)).toEqual(rest[5 + i]);
    expect(c.stats).toMatchObject({ reconnects: 1, backfillRequests: 1, backfilledCandles: 4, backfillFailures: 0 });

    // The stream resumes; a late partial update of a backfilled (final) minute is refused.
    s1.send(klineFrame('BTCUSDT', candle(T + 2 * MINUTE, 111, 1), { eventTime: T + 10 * MINUTE }));
    s1.send(klineFrame('BTCUSDT', candle(T + 4 * MINUTE, 120, 3), { eventTime: T + 4 * MINUTE + 6000 }));
    await settle(sink, (f) => s1.send(f), c);
    expect(sink.latestCandles('BTCUSDT').get(T + 2 * MINUTE)).toEqual(rest[7]);
    expect(sink.latestCandles('BTCUSDT').get(T + 4 * MINUTE)).toEqual(candle(T + 4 * MINUTE, 120, 3));
  });

  it('after a killed socket reconnects; nothing to fetch when no minute closed meanwhile', async () => {
    now = T + 10_000;
    const { sink, connector: c } = await start();
    const s0 = await binance.connection(0);
    s0.send(klineFrame('BTCUSDT', candle(T - MINUTE, 99, 7), { eventTime: T, final: true }));
    await settle(sink, (f) => s0.send(f), c);
    now = T + 40_000;
    s0.kill();
    const s1 = await binance.connection(1);
    s1.send(klineFrame('BTCUSDT', candle(T, 101, 2), { eventTime: T + 40_100 }));
    await settle(sink, (f) => s1.send(f), c);
    expect(sink.latestCandles('BTCUSDT').get(T)).toEqual(candle(T, 101, 2));
    expect(binance.klineRequests).toEqual([]);
    expect(c.stats).toMatchObject({ reconnects: 1, backfillRequests: 0 });
  });

  it('answers server pings, and replaces a connection that falls silent', async () => {
    const { connector: c } = await start({ pingIntervalMs: 50, silenceTimeoutMs: 1500 });
    const s0 = await binance.connection(0);
    s0.ping();
    await waitUntil('a pong to the server ping', () => s0.pongsReceived >= 1);
    // From now on this link answers nothing, as a dead one would.
    s0.silent = true;
    const s1 = await binance.connection(1);
    expect((await s0.closed).code).toBe(1006);
    expect(s0.pingsReceived).toBeGreaterThan(0);
    // The new link answers the client's pings: it stays (40 pings span more than the silence limit).
    await waitUntil('pings on the new connection', () => s1.pingsReceived >= 40);
    expect(c.stats).toMatchObject({ silentDrops: 1, reconnects: 1 });
    expect(binance.sockets).toHaveLength(2);
    expect(s1.open).toBe(true);
  });

  it('backs off while the stream refuses connections, then connects', async () => {
    binance = await FakeBinance.start();
    binance.refuseUpgrades = 3;
    const sink = new RecordingSink();
    connector = new BinanceConnector({
      symbols: ['BTCUSDT'],
      sink,
      log: testLog,
      wsUrl: binance.wsUrl,
      restUrl: binance.restUrl,
      reconnect: { initialMs: 10, maxMs: 40 },
      flushIntervalMs: 20,
    });
    connector.start();
    await binance.connection(0);
    const c = connector;
    await waitUntil('the client to see its connection open', () => c.stats.connections === 1);
    expect(binance.refusedUpgrades).toBe(3);
    expect(c.stats).toMatchObject({ failedOpens: 3, connections: 1 });
  });

  it('rolls over before the connection age limit: the successor opens first, nothing is missed or doubled', async () => {
    const { sink, connector: c } = await start({ maxConnectionAgeMs: 300 });
    binance.onConnection = (socket) => {
      if (binance.sockets.length !== 2) return;
      // The same events on the old and the new connection while both are open.
      for (const s of [binance.sockets[0]!, socket]) {
        s.send(klineFrame('BTCUSDT', candle(T, 101, 5), { eventTime: T + 10 }));
        s.send(forceOrderFrame('BTCUSDT', LIQUIDATION));
      }
    };
    const s0 = await binance.connection(0);
    const s1 = await binance.connection(1);
    expect(s1.othersOpenOnArrival).toBe(1);
    expect(await s0.closed).toEqual({ code: 1000, reason: 'rollover' });
    await settle(sink, (f) => s1.send(f), c);
    expect(btcLiquidations(sink)).toHaveLength(1);
    expect(sink.latestCandles('BTCUSDT').get(T)).toEqual(candle(T, 101, 5));
    expect(c.stats.rollovers).toBeGreaterThanOrEqual(1);
    expect(c.stats.reconnects).toBe(0);
    expect(binance.klineRequests).toEqual([]);
  });

  it('on start fetches the asked number of closed minutes before now', async () => {
    now = T + 30_000;
    binance = await FakeBinance.start();
    binance.addRows(
      'BTCUSDT',
      Array.from({ length: 10 }, (_, i) => candle(T - (10 - i) * MINUTE, 150 + i, 10)),
    );
    const sink = new RecordingSink();
    connector = new BinanceConnector({
      symbols: ['BTCUSDT'],
      sink,
      log: testLog,
      wsUrl: binance.wsUrl,
      restUrl: binance.restUrl,
      clock: { now: () => now, sleep: systemClock.sleep },
      backfillMinutes: 3,
      flushIntervalMs: 20,
    });
    connector.start();
    await waitUntil('the start-up backfill', () => sink.latestCandles('BTCUSDT').size === 3);
    expect([...sink.latestCandles('BTCUSDT').keys()]).toEqual([T - 3 * MINUTE, T - 2 * MINUTE, T - MINUTE]);
    expect(binance.klineRequests).toEqual([{ symbol: 'BTCUSDT', interval: '1m', startTime: T - 3 * MINUTE, endTime: T - 1, limit: 1500 }]);
  });
});
