// 1,000 concurrent live streams on one server process (B), one of which never reads: the others
// keep receiving everything, the stuck one costs a bounded queue (then a resync), not memory without
// bound. Ingest runs on A. Asserts counts, content and a memory bound; never time.
import { request, type ClientRequest } from 'node:http';
import type { CandleLiveEvent, IndicatorLiveEvent, LiquidationLiveEvent } from '@wick/api';
import {
  fixtureCandles,
  INGEST_KEY,
  MINUTE,
  spawnServer,
  startWick,
  T0,
  testClient,
  type ServerProcess,
  type TestClient,
  type Wick,
} from '@wick/server/testing';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector, liveClient, metricValue, until, type Collector } from './live-subscriber.ts';

const CANDLE_STREAMS = 680;
const INDICATOR_STREAMS = 299;
const LIQUIDATION_STREAMS = 20;
const QUEUE_LIMIT = 50;
/** Enough liquidation events to fill the stuck stream's socket buffers many times over (≈ 400 bytes each on the wire). */
const LIQUIDATIONS = 8_000;
/** One in ETH_EVERY liquidations is ETHUSDT: the reading liquidation streams filter on it. */
const ETH_EVERY = 100;

let wick: Wick;
/** Both in processes of their own: this one is busy being 1,000 SSE clients. */
let a: ServerProcess;
let b: ServerProcess;
let ingestOnA: TestClient;
let stuck: ClientRequest | null = null;
const subscriptions: { unsubscribe(): void }[] = [];

const rss = () => metricValue(b.url, 'process_resident_memory_bytes');

beforeAll(async () => {
  wick = await startWick('live_fanout');
  const first = fixtureCandles('BTCUSDT', 1, T0)[0]!;
  await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [first] });
  [a, b] = await Promise.all([
    spawnServer(wick.env),
    spawnServer({ ...wick.env, LIVE_MAX_STREAMS_PER_CLIENT: '2000', LIVE_QUEUE_LIMIT: String(QUEUE_LIMIT) }),
  ]);
  ingestOnA = testClient({ url: a.url, apiKey: INGEST_KEY });
}, 180_000);

afterAll(async () => {
  // Closed before the servers stop, so 1,000 EventSources do not start reconnecting to a stopped B.
  for (const s of subscriptions) s.unsubscribe();
  stuck?.destroy();
  await Promise.all([a?.stop(), b?.stop()]);
  await wick?.close();
});

/** A liquidations.live stream that is opened and then never read from (its socket fills, then the server's queue). */
function openStuckStream(url: string): Promise<void> {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({})));
  return new Promise((resolve, reject) => {
    stuck = request(`${url}/trpc/liquidations.live?input=${input}`, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.pause();
      resolve();
    });
    stuck.on('error', reject);
    stuck.end();
  });
}

function liquidation(i: number) {
  const qty = (0.001 * (1 + (i % 500))).toFixed(3);
  return {
    symbol: i % ETH_EVERY === 0 ? 'ETHUSDT' : 'BTCUSDT',
    side: i % 2 ? ('SELL' as const) : ('BUY' as const),
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: qty,
    price: '42000.10',
    averagePrice: '42000.10',
    orderStatus: 'FILLED',
    lastFillQuantity: qty,
    accumulatedFillQuantity: qty,
    orderTradeTime: T0 + 10_000 + i,
  };
}

describe('1,000 concurrent live streams on one process', () => {
  it('every reading stream receives everything while a stream that never reads stays bounded', async () => {
    const client = liveClient(b.url);
    const candles: Collector<CandleLiveEvent>[] = [];
    const rsi: Collector<IndicatorLiveEvent>[] = [];
    const liq: Collector<LiquidationLiveEvent>[] = [];
    for (let i = 0; i < CANDLE_STREAMS; i++) {
      const c = collector<CandleLiveEvent>();
      subscriptions.push(client.candles.live.subscribe({ symbol: 'BTCUSDT', interval: '1m' }, c.handlers()));
      candles.push(c);
    }
    for (let i = 0; i < INDICATOR_STREAMS; i++) {
      const c = collector<IndicatorLiveEvent>();
      subscriptions.push(
        client.indicators.live.subscribe(
          { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 14 }, limit: 100 },
          c.handlers(),
        ),
      );
      rsi.push(c);
    }
    for (let i = 0; i < LIQUIDATION_STREAMS; i++) {
      const c = collector<LiquidationLiveEvent>();
      subscriptions.push(client.liquidations.live.subscribe({ symbol: 'ETHUSDT' }, c.handlers()));
      liq.push(c);
    }
    await openStuckStream(b.url);
    const all = [...candles, ...rsi, ...liq];
    await until(() => all.every((c) => c.started) && rsi.every((c) => c.events.length >= 1), 'every stream to open', 6000);
    expect(await metricValue(b.url, 'wick_live_streams_open')).toBe(CANDLE_STREAMS + INDICATOR_STREAMS + LIQUIDATION_STREAMS + 1);
    // Many subscribers, one computation and one upstream subscription per channel.
    expect(await metricValue(b.url, 'wick_live_indicator_computations')).toBe(1);
    expect(await metricValue(b.url, 'wick_live_upstream_subscriptions')).toBe(2);
    const rssConnected = await rss();

    // Ingest on A: the open candle moves and closes, liquidations pour in.
    const base = fixtureCandles('BTCUSDT', 1, T0)[0]!;
    const longestQueue: number[] = [];
    let minute = 0;
    for (let batch = 0; batch < LIQUIDATIONS / 500; batch++) {
      await ingestOnA.liquidations.ingest.mutate({ events: Array.from({ length: 500 }, (_, k) => liquidation(batch * 500 + k)) });
      minute += batch % 2;
      const close = Math.round((base.open + batch) * 100) / 100;
      await ingestOnA.candles.ingest.mutate({
        symbol: 'BTCUSDT',
        interval: '1m',
        candles: [
          {
            time: T0 + minute * MINUTE,
            open: base.open,
            high: Math.max(base.open, close) + 1,
            low: Math.min(base.open, close) - 1,
            close,
            volume: 5 + batch,
          },
        ],
      });
      longestQueue.push(await metricValue(b.url, 'wick_live_queue_longest'));
    }
    const head = (await wick.server.cache.readHead({ symbol: 'BTCUSDT', interval: '1m' }))!;
    const lastTime = T0 + minute * MINUTE;
    const lastRevOf = (c: Collector<CandleLiveEvent>) => c.events.at(-1)?.data.rev;
    const lastTimeOf = (c: Collector<IndicatorLiveEvent>) => {
      const e = c.events.at(-1)?.data;
      return e?.time.at(-1);
    };
    const ethRows = LIQUIDATIONS / ETH_EVERY;
    await until(
      () =>
        candles.every((c) => lastRevOf(c) === head.rev) &&
        rsi.every((c) => lastTimeOf(c) === lastTime) &&
        liq.every((c) => c.events.length >= ethRows + 1),
      'every reading stream to catch up',
      6000,
    );
    const rssAfter = await rss();
    longestQueue.push(await metricValue(b.url, 'wick_live_queue_longest'));

    const growthMb = (rssAfter - rssConnected) / 2 ** 20;
    console.log(
      `live fan-out: ${all.length + 1} streams; server RSS ${(rssConnected / 2 ** 20).toFixed(0)} MB connected, ` +
        `${(rssAfter / 2 ** 20).toFixed(0)} MB after ${LIQUIDATIONS} liquidations + ${LIQUIDATIONS / 500} candle writes (growth ${growthMb.toFixed(1)} MB)`,
    );
    // The readers got everything: the final candle, the indicator at the last candle, every ETH liquidation once, in order.
    for (const c of candles)
      expect(c.events.at(-1)!.data.candles.close.at(-1)).toBe(Math.round((base.open + LIQUIDATIONS / 500 - 1) * 100) / 100);
    for (const c of liq) {
      expect(c.events[0]!.data.type).toBe('position');
      const times = c.events.slice(1).map((e) => (e.data.type === 'liquidation' ? e.data.liquidation.orderTradeTime : -1));
      expect(times).toEqual(Array.from({ length: ethRows }, (_, k) => T0 + 10_000 + k * ETH_EVERY));
    }
    // The stuck stream: its queue never held more than the limit; once full it was replaced by a resync (counted).
    expect(Math.max(...longestQueue)).toBeLessThanOrEqual(QUEUE_LIMIT);
    expect(await metricValue(b.url, 'wick_live_events_total', { procedure: 'liquidations', outcome: 'dropped' })).toBeGreaterThan(0);
    expect(await metricValue(b.url, 'wick_live_resyncs_total', { procedure: 'liquidations', reason: 'queue_full' })).toBeGreaterThanOrEqual(
      1,
    );
    // Allocation churn of 1,000 streams raises RSS (V8 grows its heap before collecting); an unbounded queue would add to it for ever.
    expect(growthMb).toBeLessThan(400);
  }, 600_000);
});
