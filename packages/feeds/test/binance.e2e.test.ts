// The Binance connector against a real Wick server: a scripted Binance in, candles.range out.
import { createWickClient, type WickClient } from '@wick/client';
import { INGEST_KEY, startWick, T0, type Wick } from '@wick/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceConnector, createClientSink, systemClock, type CandleInput } from '../src/index.ts';
import { FakeBinance, forceOrderFrame, klineFrame } from './support/fake-binance.ts';
import { RecordingSink } from './support/recording-sink.ts';
import { testLog } from './support/silent-log.ts';
import { waitUntil } from './support/wait-until.ts';

const MINUTE = 60_000;
const candle = (time: number, open: number, close: number, volume: number): CandleInput => ({
  time,
  open,
  high: Math.max(open, close) + 5,
  low: Math.min(open, close) - 5,
  close,
  volume,
  quoteVolume: Math.round(volume * close * 100) / 100,
  trades: Math.round(volume * 10),
});
const ohlcv = (c: CandleInput) => ({ time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });

let wick: Wick;
let client: WickClient;
let binance: FakeBinance;
let connector: BinanceConnector;
let sink: RecordingSink;
let now = T0 + 10_000;
// Stream: T0−1m (final), T0 (final), T0+1m (partial); then a disconnect while T0+1m … T0+3m close.
const streamed = [candle(T0 - MINUTE, 42_000, 42_010.5, 3.25), candle(T0, 42_010.5, 41_990.25, 4.5)];
const partial = candle(T0 + MINUTE, 41_990.25, 41_995, 0.75);
const rest = [
  candle(T0 + MINUTE, 41_990.25, 42_001, 2.5),
  candle(T0 + 2 * MINUTE, 42_001, 42_020.75, 1.25),
  candle(T0 + 3 * MINUTE, 42_020.75, 42_015, 6),
];
const LIQUIDATION = { side: 'BUY' as const, quantity: '0.250', price: '42150.5', averagePrice: '42101.20', tradeTime: T0 + 30_500 };

beforeAll(async () => {
  wick = await startWick('feeds_binance');
  client = createWickClient({ url: wick.url, apiKey: INGEST_KEY });
  binance = await FakeBinance.start();
  binance.addRows('BTCUSDT', [...streamed, ...rest, candle(T0 + 4 * MINUTE, 42_015, 42_016, 0.5)]);
  sink = new RecordingSink(createClientSink(client));
  connector = new BinanceConnector({
    symbols: ['BTCUSDT', 'ETHUSDT'],
    sink,
    log: testLog,
    wsUrl: binance.wsUrl,
    restUrl: binance.restUrl,
    clock: { now: () => now, sleep: systemClock.sleep },
    flushIntervalMs: 20,
    reconnect: { initialMs: 20, maxMs: 200 },
  });
  connector.start();

  const s0 = await binance.connection(0);
  s0.send(klineFrame('BTCUSDT', streamed[0]!, { eventTime: T0, final: true }));
  s0.send(klineFrame('BTCUSDT', { ...streamed[1]!, close: 42_000, volume: 1 }, { eventTime: T0 + 20_000 }));
  s0.send(klineFrame('BTCUSDT', streamed[1]!, { eventTime: T0 + MINUTE, final: true }));
  s0.send(klineFrame('BTCUSDT', partial, { eventTime: T0 + MINUTE + 10_000 }));
  s0.send(forceOrderFrame('BTCUSDT', LIQUIDATION));
  await waitUntil('the streamed candles in Wick', () => sink.latestCandles('BTCUSDT').get(T0 + MINUTE)?.volume === partial.volume);
  now = T0 + 4 * MINUTE + 5000;
  s0.kill();
  await waitUntil('the backfill in Wick', () => sink.latestCandles('BTCUSDT').has(T0 + 3 * MINUTE));
  await connector.outbox.idle();
});
afterAll(async () => {
  await connector?.stop();
  await binance?.close();
  await wick?.close();
});

describe('feed:binance → a real Wick server', () => {
  it('streamed and backfilled candles are what candles.range returns', async () => {
    const { candles: c } = await client.candles.range.query({
      symbol: 'BTCUSDT',
      interval: '1m',
      from: T0 - MINUTE,
      to: T0 + 4 * MINUTE,
      limit: 10,
    });
    const got = c.time.map((time, i) => ({
      time,
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
    }));
    expect(got).toEqual([...streamed, ...rest].map(ohlcv));
    expect(binance.klineRequests).toEqual([
      { symbol: 'BTCUSDT', interval: '1m', startTime: T0 + MINUTE, endTime: T0 + 4 * MINUTE - 1, limit: 1500 },
    ]);
    expect(connector.stats).toMatchObject({ reconnects: 1, backfilledCandles: 3, malformed: 0 });
    // Every batch, candles and the liquidation, was accepted.
    expect(connector.outbox.stats).toMatchObject({ rejected: 0, unavailable: 0, unauthorized: 0 });
  });

  it('the open 5m bucket follows the minutes written so far', async () => {
    const { candles: c } = await client.candles.range.query({ symbol: 'BTCUSDT', interval: '5m', from: T0, to: T0, limit: 1 });
    const minutes = [streamed[1]!, ...rest];
    expect({ open: c.open[0], high: c.high[0], low: c.low[0], close: c.close[0] }).toEqual({
      open: minutes[0]!.open,
      high: Math.max(...minutes.map((m) => m.high)),
      low: Math.min(...minutes.map((m) => m.low)),
      close: minutes.at(-1)!.close,
    });
    expect(c.volume[0]).toBeCloseTo(
      minutes.reduce((s, m) => s + m.volume, 0),
      8,
    );
  });

  it('the liquidation is listed by liquidations.list', async () => {
    const { rows } = await client.liquidations.list.query({ symbol: 'BTCUSDT', from: T0, to: T0 + MINUTE, limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      side: 'BUY',
      orderType: 'LIMIT',
      timeInForce: 'IOC',
      orderStatus: 'FILLED',
      orderTradeTime: LIQUIDATION.tradeTime,
    });
    expect(Number(rows[0]!.price)).toBe(42150.5);
    expect(Number(rows[0]!.averagePrice)).toBe(42101.2);
    expect(Number(rows[0]!.accumulatedFillQuantity)).toBe(0.25);
  });
});
