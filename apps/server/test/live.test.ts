// Live push across two server processes: ingest on A (this process), subscribers on B (a child
// process) over real SSE. Asserts order, content and counts; never time.
import type { CandleLiveEvent, IndicatorLiveEvent, LiquidationLiveEvent } from '@wick/api';
import { MINUTE, spawnServer, startWick, T0, testClient, fixtureCandles, type ServerProcess, type Wick } from '@wick/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector, liveClient, liveErrorCode, metricValue, until, type Collector, type LiveClient } from './live-subscriber.ts';

const CAPPED_KEY = 'live-capped-key';
const STREAM_CAP = 8;
let wick: Wick;
let b: ServerProcess;
let onB: LiveClient;
let written = 0;

/** The next candle of BTCUSDT 1m after T0: the open candle moves `ticks` times, then the next one opens. */
function candleAt(minute: number, tick: number) {
  const base = fixtureCandles('BTCUSDT', 1, T0)[0]!;
  const close = Math.round((base.open + minute * 3 + tick) * 100) / 100;
  return {
    time: T0 + minute * MINUTE,
    open: base.open,
    high: Math.max(base.open, close) + 1,
    low: Math.min(base.open, close) - 1,
    close,
    volume: 10 + tick,
  };
}

async function ingestMinutes(minutes: number, ticks: number): Promise<void> {
  for (let m = 0; m < minutes; m++) {
    written += 1;
    for (let t = 0; t < ticks; t++) {
      await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [candleAt(written, t)] });
    }
  }
}

/** Candles by open time after applying a candles.live stream's events in order. */
function applyCandles(events: CandleLiveEvent[]): Map<number, number[]> {
  const state = new Map<number, number[]>();
  for (const e of events) {
    const c = e.candles;
    c.time.forEach((t, i) => state.set(t, [c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!]));
  }
  return state;
}

/** An indicator window after applying an indicators.live stream's events in order. */
function applyIndicator(events: IndicatorLiveEvent[], limit: number) {
  let time: number[] = [];
  let values: Record<string, (number | null)[]> = {};
  for (const e of events) {
    if (e.type === 'window') {
      time = [...e.time];
      values = structuredClone(e.values);
      continue;
    }
    e.time.forEach((t, i) => {
      let at = time.indexOf(t);
      if (at === -1) {
        time.push(t);
        for (const name of Object.keys(values)) values[name]!.push(null);
        at = time.length - 1;
      }
      for (const name of Object.keys(values)) values[name]![at] = e.values[name]![i] ?? null;
    });
    const excess = time.length - limit;
    if (excess > 0) {
      time.splice(0, excess);
      for (const name of Object.keys(values)) values[name]!.splice(0, excess);
    }
  }
  return { time, values };
}

function subscribeCandles(client: LiveClient, input: { symbol: string; interval: '1m' | '5m'; lastEventId?: string }) {
  const c = collector<CandleLiveEvent>();
  const sub = client.candles.live.subscribe(input, c.handlers());
  return { c, stop: () => sub.unsubscribe() };
}

const lastRev = (c: Collector<CandleLiveEvent>) => c.events.at(-1)?.data.rev ?? 0;

beforeAll(async () => {
  wick = await startWick('live');
  // One write through ingest first, so the series has a head and an event stream.
  await ingestMinutes(1, 1);
  b = await spawnServer({ ...wick.env, API_KEYS: CAPPED_KEY, LIVE_MAX_STREAMS_PER_CLIENT: String(STREAM_CAP) });
  onB = liveClient(b.url);
}, 180_000);

afterAll(async () => {
  await b?.stop();
  await wick?.close();
});

describe('live push from process A to subscribers on process B', () => {
  it('candles, indicator tails and liquidations ingested on A reach B in order and complete', async () => {
    const candles = subscribeCandles(onB, { symbol: 'BTCUSDT', interval: '1m' });
    const fiveMinute = subscribeCandles(onB, { symbol: 'BTCUSDT', interval: '5m' });
    const rsi = collector<IndicatorLiveEvent>();
    const rsiSub = onB.indicators.live.subscribe(
      { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 14 }, limit: 60 },
      rsi.handlers(),
    );
    const liq = collector<LiquidationLiveEvent>();
    const liqSub = onB.liquidations.live.subscribe({ symbol: 'BTCUSDT', minUsd: 1000 }, liq.handlers());
    await until(() => candles.c.started && fiveMinute.c.started && rsi.events.length >= 1 && liq.started, 'the streams to open');
    expect(candles.c.events[0]?.data.type).toBe('snapshot');
    expect(rsi.events[0]?.data.type).toBe('window');

    await ingestMinutes(6, 3);
    const events = [0, 1, 2].map((i) => ({
      symbol: 'BTCUSDT',
      side: i % 2 ? ('SELL' as const) : ('BUY' as const),
      orderType: 'LIMIT',
      timeInForce: 'IOC',
      originalQuantity: '0.500',
      price: '42000.10',
      averagePrice: '42000.10',
      orderStatus: 'FILLED',
      lastFillQuantity: '0.500',
      accumulatedFillQuantity: i === 1 ? '0.010' : '0.500', // 420.001 USD: below minUsd, filtered out
      orderTradeTime: T0 + 1000 + i,
    }));
    const eth = { ...events[0]!, symbol: 'ETHUSDT', orderTradeTime: T0 + 5000 };
    await wick.ingest.liquidations.ingest.mutate({ events: [...events, eth] });
    await wick.ingest.liquidations.ingest.mutate({ events }); // duplicates: stored and published once

    const range = await wick.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 40 });
    const head = await wick.server.cache.readHead({ symbol: 'BTCUSDT', interval: '1m' });
    await until(() => lastRev(candles.c) === head!.rev, 'the last candle event on B');
    const fresh = await wick.client.indicators.compute.query({
      symbol: 'BTCUSDT',
      interval: '1m',
      indicator: 'rsi',
      params: { period: 14 },
      limit: 60,
    });
    await until(
      () =>
        applyIndicator(
          rsi.events.map((e) => e.data),
          60,
        ).time.at(-1) === fresh.time.at(-1),
      'the indicator to reach the last candle',
    );
    await until(() => liq.events.length >= 3, 'the position and two liquidations');

    // Candles: ids and revs strictly increase; each update carries only changed candles; the result is the stored series.
    const ids = candles.c.events.map((e) => e.id!);
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const revs = candles.c.events.map((e) => e.data.rev);
    expect(revs.every((r, i) => i === 0 || r > revs[i - 1]!)).toBe(true);
    const state = applyCandles(candles.c.events.map((e) => e.data));
    for (const [i, t] of range.candles.time.entries()) {
      if (t < T0) continue;
      expect(state.get(t)).toEqual([
        range.candles.open[i],
        range.candles.high[i],
        range.candles.low[i],
        range.candles.close[i],
        range.candles.volume[i],
      ]);
    }
    expect(candles.c.events.slice(1).every((e) => e.data.type === 'update' && !e.data.reload)).toBe(true);
    expect(candles.c.events.at(-1)!.data.candles.time.at(-1)).toBe(T0 + written * MINUTE);

    // The 5m series follows 1m through the roll-up.
    const range5 = await wick.client.candles.range.query({ symbol: 'BTCUSDT', interval: '5m', limit: 5 });
    await until(
      () => applyCandles(fiveMinute.c.events.map((e) => e.data)).get(range5.candles.time.at(-1)!)?.[3] === range5.candles.close.at(-1),
      'the 5m roll-up',
    );

    // Indicator: the window built from the stream equals a fresh indicators.compute.
    const window = applyIndicator(
      rsi.events.map((e) => e.data),
      60,
    );
    expect(window.time).toEqual(fresh.time);
    fresh.values.value!.forEach((v, i) => {
      const got = window.values.value![i];
      if (v === null) expect(got).toBeNull();
      else expect(Math.abs(got! - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
    });
    expect(rsi.events.slice(1).every((e) => e.data.type === 'update')).toBe(true);

    // Liquidations: the matching new rows, once each, in ingest order, with their USD value.
    const got = liq.events.map((e) => e.data);
    expect(got.map((e) => e.type)).toEqual(['position', 'liquidation', 'liquidation']);
    const rows = got.flatMap((e) => (e.type === 'liquidation' ? [e.liquidation] : []));
    expect(rows.map((r) => [r.symbol, r.side, r.orderTradeTime])).toEqual([
      ['BTCUSDT', 'BUY', T0 + 1000],
      ['BTCUSDT', 'BUY', T0 + 1002],
    ]);
    expect(rows.map((r) => Number(r.usd))).toEqual([21000.05, 21000.05]);

    candles.stop();
    fiveMinute.stop();
    rsiSub.unsubscribe();
    liqSub.unsubscribe();
  });

  it('a stream resumed with lastEventId gets exactly the events it missed, and an id older than the window one resync', async () => {
    const first = subscribeCandles(onB, { symbol: 'BTCUSDT', interval: '1m' });
    await until(() => first.c.events.length >= 1, 'the snapshot');
    await ingestMinutes(2, 2);
    await until(() => lastRev(first.c) >= (first.c.events[0]!.data.rev ?? 0) + 4, 'four updates');
    first.stop();
    const lastId = first.c.events.at(-1)!.id!;
    const before = applyCandles(first.c.events.map((e) => e.data));

    await ingestMinutes(3, 2);
    const series = { kind: 'series' as const, series: { symbol: 'BTCUSDT', interval: '1m' as const } };
    const missed = (await wick.server.cache.replay(series, lastId, 100))!;
    expect(missed.missed).toBe(false);
    expect(missed.entries).toHaveLength(6);

    const resumed = subscribeCandles(onB, { symbol: 'BTCUSDT', interval: '1m', lastEventId: lastId });
    await until(() => resumed.c.events.length >= missed.entries.length, 'the missed events');
    await ingestMinutes(1, 1);
    await until(() => resumed.c.events.length >= missed.entries.length + 1, 'the next live event');
    resumed.stop();
    // Exactly the missed entries (no gap, no duplicate), then live.
    expect(resumed.c.events.slice(0, missed.entries.length).map((e) => e.id)).toEqual(missed.entries.map((e) => e.id));
    expect(resumed.c.events.every((e) => e.data.type === 'update')).toBe(true);
    // Each carries only what changed since the previous one: applied over what the first stream had, the stored series.
    const after = applyCandles([...first.c.events, ...resumed.c.events].map((e) => e.data));
    const range = await wick.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 20 });
    range.candles.time.forEach((t, i) => {
      if (t >= T0)
        expect(after.get(t)).toEqual([
          range.candles.open[i],
          range.candles.high[i],
          range.candles.low[i],
          range.candles.close[i],
          range.candles.volume[i],
        ]);
    });
    expect(before.size).toBeLessThan(after.size);

    // An id older than anything the stream holds: one resync with the current tail, then live again.
    const stale = subscribeCandles(onB, { symbol: 'BTCUSDT', interval: '1m', lastEventId: '1-0' });
    await until(() => stale.c.events.length >= 1, 'the resync');
    await ingestMinutes(1, 1);
    await until(() => stale.c.events.length >= 2, 'a live event after the resync');
    stale.stop();
    expect(stale.c.events.map((e) => e.data.type)).toEqual(['resync', 'update']);
    expect(stale.c.events[0]!.data.reload).toBe(true);
    expect(stale.c.events[0]!.data.candles.time).toHaveLength(32);
  });

  it('bad inputs answer tRPC errors over SSE and leave the server serving', async () => {
    const errorOf = async (open: (c: Collector<unknown>) => { unsubscribe(): void }) => {
      const c = collector<unknown>();
      const sub = open(c);
      await until(() => c.error !== undefined || c.events.length > 0, 'an answer');
      sub.unsubscribe();
      return liveErrorCode(c.error);
    };
    expect(await errorOf((c) => onB.candles.live.subscribe({ symbol: 'NOPEUSDT', interval: '1m' }, c.handlers()))).toBe('NOT_FOUND');
    expect(await errorOf((c) => onB.candles.live.subscribe({ symbol: 'BTCUSDT', interval: '2m' as '1m' }, c.handlers()))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await errorOf((c) =>
        onB.indicators.live.subscribe({ symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: -3 } }, c.handlers()),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await errorOf((c) =>
        onB.indicators.live.subscribe({ symbol: 'BTCUSDT', interval: '1m', indicator: 'nope', params: {} }, c.handlers()),
      ),
    ).toBe('BAD_REQUEST');
    expect(await errorOf((c) => onB.liquidations.live.subscribe({ minUsd: -1 }, c.handlers()))).toBe('BAD_REQUEST');
    expect(
      await errorOf((c) => onB.candles.live.subscribe({ symbol: 'BTCUSDT', interval: '1m', lastEventId: 'yesterday' }, c.handlers())),
    ).toBe('BAD_REQUEST');

    // The per-key cap: STREAM_CAP streams open, the next one is refused, one closed makes room again.
    const capped = liveClient(b.url, CAPPED_KEY);
    const held = Array.from({ length: STREAM_CAP }, () => subscribeCandles(capped, { symbol: 'ETHUSDT', interval: '1m' }));
    await until(() => held.every((h) => h.c.started), 'the capped streams');
    expect(await errorOf((c) => capped.candles.live.subscribe({ symbol: 'ETHUSDT', interval: '1m' }, c.handlers()))).toBe(
      'TOO_MANY_REQUESTS',
    );
    const openCandles = () => metricValue(b.url, 'wick_live_streams_open', { procedure: 'candles' });
    const opened = await openCandles();
    held.pop()!.stop();
    await untilMetric(openCandles, opened - 1, 'the server to see the stream leave');
    const again = subscribeCandles(capped, { symbol: 'ETHUSDT', interval: '1m' });
    await until(() => again.c.started || again.c.error !== undefined, 'the stream after one closed');
    expect(again.c.error).toBeUndefined();
    for (const h of [...held, again]) h.stop();

    const health = await testClient({ url: b.url }).health.query();
    expect(health.ok).toBe(true);
  });

  it('one upstream subscription and one follower per channel however many streams, released when the last one leaves', async () => {
    const channels = () => metricValue(b.url, 'wick_live_upstream_subscriptions');
    const followers = () => metricValue(b.url, 'wick_live_local_subscribers');
    const open = () => metricValue(b.url, 'wick_live_streams_open', { procedure: 'candles' });
    const [channelsBefore, followersBefore, openBefore] = [await channels(), await followers(), await open()];
    const streams = Array.from({ length: 5 }, () => subscribeCandles(onB, { symbol: 'ETHUSDT', interval: '5m' }));
    await until(() => streams.every((s) => s.c.started), 'five streams');
    await untilMetric(channels, channelsBefore + 1, 'one upstream subscription for the five');
    await untilMetric(open, openBefore + 5, 'five candle streams open');
    // The five streams share the channel's one follower: the bus sees one local subscriber, not five.
    expect(await followers()).toBe(followersBefore + 1);
    streams.pop()!.stop();
    await untilMetric(open, openBefore + 4, 'four candle streams open');
    expect(await followers()).toBe(followersBefore + 1);
    expect(await channels()).toBe(channelsBefore + 1);
    for (const s of streams) s.stop();
    await untilMetric(channels, channelsBefore, 'the upstream subscription to be released');
    expect(await followers()).toBe(followersBefore);
  });
});

describe('shutdown', () => {
  it('SIGTERM ends every stream and the process exits cleanly without waiting out its grace period', async () => {
    // A grace period far longer than this test may run: exiting at all proves the streams did not hold it.
    const c = await spawnServer({ ...wick.env, SHUTDOWN_GRACE_MS: '600000' });
    const client = liveClient(c.url);
    const streams = [
      subscribeCandles(client, { symbol: 'BTCUSDT', interval: '1m' }),
      subscribeCandles(client, { symbol: 'ETHUSDT', interval: '1m' }),
    ];
    const liq = collector<LiquidationLiveEvent>();
    const liqSub = client.liquidations.live.subscribe({}, liq.handlers());
    await until(() => streams.every((s) => s.c.started) && liq.started, 'the streams on C');
    expect(await metricValue(c.url, 'wick_live_streams_open')).toBe(3);

    const code = await c.stop('SIGTERM');
    expect(code).toBe(0);
    // Each client saw its stream end and went back to connecting (it would resume elsewhere), none got an error.
    await until(
      () => streams.every((s) => s.c.states.at(-1) === 'connecting') && liq.states.at(-1) === 'connecting',
      'the clients to notice',
    );
    expect([...streams.map((s) => s.c.error), liq.error]).toEqual([undefined, undefined, undefined]);
    for (const s of streams) s.stop();
    liqSub.unsubscribe();
  }, 120_000);
});

/** Polls a metric until it reads `expected` (a hang guard: the value is what the test asserts). */
async function untilMetric(read: () => Promise<number>, expected: number, what: string): Promise<void> {
  let value = await read();
  for (let i = 0; i < 400 && value !== expected; i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  expect(value, what).toBe(expected);
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? (as < bs ? -1 : as > bs ? 1 : 0) : am < bm ? -1 : 1;
}
