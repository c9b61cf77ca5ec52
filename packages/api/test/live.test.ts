// The live push in one process against the real MariaDB and Valkey cluster: callers built with a live
// hub call the subscriptions directly (their async iterators), so a test decides exactly when a
// subscriber reads — the way a stalled SSE socket stops pulling. Asserts order, content and counts.
import { computeIndicator } from '@wick/indicators';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLiveHub,
  type ApiConfig,
  type CandleLiveEvent,
  type IndicatorLiveEvent,
  type LiquidationLiveEvent,
  type LiveHub,
} from '../src/index.ts';
import { INGEST_KEY, startApiHarness, trpcError, type ApiHarness } from './support/api-harness.ts';
import { liveCaller, nextEvent as next } from './support/live-caller.ts';

const MINUTE = 60_000;
const QUEUE_LIMIT = 5;
const CONFIG: ApiConfig = {
  readKeys: [],
  ingestKeys: [INGEST_KEY],
  adminKeys: [],
  rateLimit: { limit: 0, windowMs: 60_000 },
  slowMs: 600_000,
  budgetMs: 30_000,
  cursorSecret: 'api-live-test-cursor-secret',
};

let h: ApiHarness;
let hub: LiveHub;
function caller(apiKey: string | null = null, ip = '127.0.0.1', config: ApiConfig = CONFIG) {
  return liveCaller(h, hub, config, apiKey, ip);
}

/** Live messages this process's bus has handed to its subscribers (once per message, all channels). */
const busDelivered = async () => (await h.cache.stats()).live.delivered;

/** Waits until the bus has handed over `n` more messages than `from`: every one has reached its followers. */
async function untilBusDelivered(from: number, n: number): Promise<void> {
  for (let i = 0; i < 600 && (await busDelivered()) < from + n; i++) await new Promise((r) => setTimeout(r, 20));
  expect(await busDelivered()).toBeGreaterThanOrEqual(from + n);
}

let lastTime = 0;
const closes: number[] = [];

/** Writes the next 1m candle of BTCUSDT (a new minute) or moves the open one. */
async function write(newMinute: boolean): Promise<void> {
  if (newMinute) lastTime += MINUTE;
  const close = 100 + closes.length / 10;
  closes.push(close);
  await caller(INGEST_KEY).candles.ingest({
    symbol: 'BTCUSDT',
    interval: '1m',
    candles: [{ time: lastTime, open: 100, high: close + 1, low: 99, close, volume: closes.length }],
  });
}

beforeAll(async () => {
  h = await startApiHarness('live');
  hub = createLiveHub({
    source: h.cache,
    services: h.services,
    log: pino({ level: 'silent' }),
    config: { queueLimit: QUEUE_LIMIT, maxStreamsPerClient: 60 },
  });
  lastTime = h.candles.BTCUSDT.time.at(-1)!;
  await write(true); // a head and a stream to start from
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await h?.close();
});

describe('candles.live', () => {
  it('a subscriber that stops reading gets, when it reads again, one update with every candle that changed meanwhile', async () => {
    const it = (await caller().candles.live({ symbol: 'BTCUSDT', interval: '1m' }))[Symbol.asyncIterator]();
    const snapshot = await next<CandleLiveEvent>(it);
    expect(snapshot.data.type).toBe('snapshot');
    const coalescedBefore = hub.stats().coalesced.candles;
    const delivered = await busDelivered();
    const from = lastTime;
    for (let i = 0; i < 10; i++) {
      await write(false);
      await write(true);
    }
    await untilBusDelivered(delivered, 20);
    const update = await next<CandleLiveEvent>(it);
    await it.return?.();
    expect(update.data.type).toBe('update');
    expect(update.data.reload).toBe(false);
    expect(update.data.candles.time).toEqual(Array.from({ length: 11 }, (_, i) => from + i * MINUTE));
    expect(update.data.candles.close.at(-1)).toBe(closes.at(-1));
    // 20 writes, one event: the other 19 were merged into it (latest wins).
    expect(hub.stats().coalesced.candles - coalescedBefore).toBe(19);
  });

  it('more candles appended than a tail holds while it was not reading: the update says reload', async () => {
    const it = (await caller().candles.live({ symbol: 'BTCUSDT', interval: '1m' }))[Symbol.asyncIterator]();
    await next<CandleLiveEvent>(it);
    const delivered = await busDelivered();
    for (let i = 0; i < 34; i++) await write(true);
    await untilBusDelivered(delivered, 34);
    const update = await next<CandleLiveEvent>(it);
    await it.return?.();
    expect(update.data.reload).toBe(true);
    expect(update.data.candles.time.at(-1)).toBe(lastTime);
  });

  it('opening a stream counts against the read rate limit', async () => {
    const limited = { ...CONFIG, rateLimit: { limit: 2, windowMs: 60_000 } };
    const open = () => caller(null, '10.0.0.77', limited).candles.live({ symbol: 'ETHUSDT', interval: '1m' });
    const streams = [await open(), await open()];
    const err = await trpcError(open());
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    expect((err.cause as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);
    for (const s of streams) await s[Symbol.asyncIterator]().return?.();
  });

  it('an unknown symbol is NOT_FOUND and too many streams TOO_MANY_REQUESTS, before any stream opens', async () => {
    expect((await trpcError(caller().candles.live({ symbol: 'NOPEUSDT', interval: '1m' }))).code).toBe('NOT_FOUND');
    const open = hub.stats().streams;
    const held = await Promise.all(
      Array.from({ length: 60 }, () => caller(null, '10.0.0.9').candles.live({ symbol: 'ETHUSDT', interval: '1m' })),
    );
    expect((await trpcError(caller(null, '10.0.0.9').candles.live({ symbol: 'ETHUSDT', interval: '1m' }))).code).toBe('TOO_MANY_REQUESTS');
    // Another caller is not affected by this one's cap.
    const other = await caller(null, '10.0.0.10').candles.live({ symbol: 'ETHUSDT', interval: '1m' });
    for (const s of [...held, other]) await s[Symbol.asyncIterator]().return?.();
    expect(hub.stats().streams).toBe(open);
  });
});

describe('indicators.live', () => {
  it('many subscribers of one indicator share one computation; each gets the window, then updates equal to a fresh compute', async () => {
    const input = { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'ema', params: { period: 10 }, limit: 40 };
    const before = hub.stats().computations;
    const subs = await Promise.all(Array.from({ length: 25 }, async () => (await caller().indicators.live(input))[Symbol.asyncIterator]()));
    const other = (await caller().indicators.live({ ...input, params: { period: 11 } }))[Symbol.asyncIterator]();
    expect(hub.stats().computations - before).toBe(2);
    const windows = await Promise.all(subs.map((s) => next<IndicatorLiveEvent>(s)));
    expect(windows.every((w) => w.data.type === 'window' && w.data.time.length === 40)).toBe(true);
    // Built once for all of them: one object, so the SSE writer encodes it once.
    expect(windows.every((w) => w.data === windows[0]!.data)).toBe(true);

    await write(false);
    await write(true);
    await write(false);
    const stored = await h.services.candles.load({ symbol: 'BTCUSDT', interval: '1m' }, { limit: 500 }, 0);
    const columns = stored.columns;
    const expected = computeIndicator('ema', columns, { period: 10 }).value!;
    const at = (t: number) => columns.time.indexOf(t);
    // Another subscriber reads eagerly until the shared computation has applied the last write.
    for (;;) {
      const e = (await next<IndicatorLiveEvent>(subs[1]!)).data;
      if (e.time.at(-1) === lastTime && Math.abs(e.values.value!.at(-1)! - expected[at(lastTime)]!) < 1e-9) break;
    }
    // The first subscriber reads only now: one update, from the first candle that changed after its window.
    const update = await next<IndicatorLiveEvent>(subs[0]!);
    expect(update.data.type).toBe('update');
    expect(update.data.time).toEqual([lastTime - MINUTE, lastTime]);
    update.data.time.forEach((t, i) => expect(update.data.values.value![i]).toBeCloseTo(expected[at(t)]!, 9));
    // A subscriber owed the same is handed the same object.
    expect((await next<IndicatorLiveEvent>(subs[2]!)).data).toBe(update.data);

    for (const s of [...subs, other]) await s.return?.();
    expect(hub.stats().computations).toBe(before);
  });

  it('bad params are BAD_REQUEST before the stream opens', async () => {
    const err = await trpcError(caller().indicators.live({ symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 0 } }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(hub.stats().computations).toBe(0);
  });
});

describe('liquidations.live', () => {
  const event = (i: number) => ({
    symbol: 'ETHUSDT',
    side: 'SELL' as const,
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: '2.000',
    price: '2300.50',
    averagePrice: '2300.50',
    orderStatus: 'FILLED',
    lastFillQuantity: '2.000',
    accumulatedFillQuantity: '2.000',
    orderTradeTime: Date.UTC(2024, 1, 1) + i,
  });

  it('a reader that lets its queue overflow gets one resync with the newest rows, then live rows again — never a silent gap', async () => {
    const it = (await caller().liquidations.live({ symbol: 'ETHUSDT' }))[Symbol.asyncIterator]();
    // The position comes once the stream listens: what is ingested after it is this stream's.
    expect((await next<LiquidationLiveEvent>(it)).data).toEqual({ type: 'position' });
    await caller(INGEST_KEY).liquidations.ingest({ events: [event(0)] });
    const firstEvent = (await next<LiquidationLiveEvent>(it)).data;
    expect(firstEvent).toMatchObject({ type: 'liquidation', liquidation: { orderTradeTime: event(0).orderTradeTime } });
    expect(firstEvent.type === 'liquidation' && Number(firstEvent.liquidation.usd)).toBe(4601);
    const droppedBefore = hub.stats().dropped.liquidations;
    const delivered = await busDelivered();
    await caller(INGEST_KEY).liquidations.ingest({ events: Array.from({ length: 12 }, (_, i) => event(1 + i)) });
    await untilBusDelivered(delivered, 12);
    const resync = await next<LiquidationLiveEvent>(it);
    expect(resync.data.type).toBe('resync');
    if (resync.data.type !== 'resync') return;
    expect(resync.data.reason).toBe('queue_full');
    expect(resync.data.latest.map((r) => r.orderTradeTime)).toEqual(Array.from({ length: 13 }, (_, i) => event(i).orderTradeTime));
    expect(hub.stats().dropped.liquidations - droppedBefore).toBe(12);
    await caller(INGEST_KEY).liquidations.ingest({ events: [event(20)] });
    const after = await next<LiquidationLiveEvent>(it);
    expect(after.data).toMatchObject({ type: 'liquidation', liquidation: { orderTradeTime: event(20).orderTradeTime } });
    await it.return?.();
  });

  it('a stream cut before its first liquidation resumes from its position: exactly the rows ingested meanwhile, once each, in order', async () => {
    await caller(INGEST_KEY).liquidations.ingest({ events: [{ ...event(99), symbol: 'BTCUSDT' }] }); // the channel has an end
    const it = (await caller().liquidations.live({ symbol: 'ETHUSDT' }))[Symbol.asyncIterator]();
    const position = await next<LiquidationLiveEvent>(it);
    expect(position.data).toEqual({ type: 'position' });
    expect(position.id).toMatch(/^[1-9]\d*-\d+$/); // a real stream id, not "0-0"
    await it.return?.(); // cut: nothing else was sent

    const missed = Array.from({ length: 4 }, (_, i) => event(100 + i));
    await caller(INGEST_KEY).liquidations.ingest({ events: [{ ...event(200), symbol: 'BTCUSDT' }, ...missed] });
    const resumed = (await caller().liquidations.live({ symbol: 'ETHUSDT', lastEventId: position.id! }))[Symbol.asyncIterator]();
    const got: LiquidationLiveEvent[] = [];
    for (let i = 0; i < missed.length; i++) got.push((await next<LiquidationLiveEvent>(resumed)).data);
    expect(got.map((e) => (e.type === 'liquidation' ? e.liquidation.orderTradeTime : e.type))).toEqual(missed.map((e) => e.orderTradeTime));
    // Nothing else is owed: the next event is the next row ingested (no repeat, no position again).
    await caller(INGEST_KEY).liquidations.ingest({ events: [event(300)] });
    expect((await next<LiquidationLiveEvent>(resumed)).data).toMatchObject({
      type: 'liquidation',
      liquidation: { orderTradeTime: event(300).orderTradeTime },
    });
    await resumed.return?.();
  });
});
