// indicators.liveMany in one process against the real MariaDB and Valkey cluster: several indicators
// of a series over one subscription, sharing computations with indicators.live, resuming from its
// tracked id. Callers read the subscriptions' async iterators directly, so a test decides when.
import { computeIndicator } from '@wick/indicators';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveHub, type ApiConfig, type IndicatorLiveEvent, type LiveHub } from '../src/index.ts';
import type { IndicatorManyEvent } from '../src/live/live-events.ts';
import { INGEST_KEY, startApiHarness, trpcError, type ApiHarness } from './support/api-harness.ts';
import { liveCaller, nextEvent as next } from './support/live-caller.ts';

const MINUTE = 60_000;
const CONFIG: ApiConfig = {
  readKeys: [],
  ingestKeys: [INGEST_KEY],
  adminKeys: [],
  rateLimit: { limit: 0, windowMs: 60_000 },
  slowMs: 600_000,
  budgetMs: 30_000,
  cursorSecret: 'api-live-many-test-cursor-secret',
};
const SERIES = { symbol: 'BTCUSDT', interval: '1m' as const };
const ITEMS = [
  { indicator: 'ema', params: { period: 10 }, limit: 40 },
  { indicator: 'rsi', params: { period: 14 }, limit: 30 },
  { indicator: 'macd', params: {}, limit: 20 },
];

let h: ApiHarness;
let hub: LiveHub;
const caller = (apiKey: string | null = null) => liveCaller(h, hub, CONFIG, apiKey);
let lastTime = 0;
let writes = 0;

/** Writes the next 1m candle of BTCUSDT (a new minute) or moves the open one. */
async function write(newMinute: boolean): Promise<void> {
  if (newMinute) lastTime += MINUTE;
  writes += 1;
  const close = 100 + writes / 10;
  await caller(INGEST_KEY).candles.ingest({
    ...SERIES,
    candles: [{ time: lastTime, open: 100, high: close + 1, low: 99, close, volume: writes }],
  });
}

/** Each item's values as a fresh indicators.compute over the stored candles would give them, by candle time. */
async function expected(): Promise<Map<number, Record<string, number>>[]> {
  const stored = await h.services.candles.load(SERIES, { limit: 500 }, 0);
  const columns = stored.columns;
  return ITEMS.map((item) => {
    const out = computeIndicator(item.indicator, columns, item.params);
    const byTime = new Map<number, Record<string, number>>();
    columns.time.forEach((t, i) => byTime.set(t, Object.fromEntries(Object.entries(out).map(([name, v]) => [name, v[i]!]))));
    return byTime;
  });
}

function expectValues(event: IndicatorLiveEvent, want: Map<number, Record<string, number>>): void {
  for (const [i, t] of event.time.entries()) {
    for (const [name, series] of Object.entries(event.values)) {
      const v = want.get(t)?.[name];
      if (v === undefined || !Number.isFinite(v)) expect(series[i]).toBeNull();
      else expect(series[i]).toBeCloseTo(v, 9);
    }
  }
}

/** Reads a multiplexed stream until every item's last value is at `time` with its fresh value; returns each item's last event. */
async function readUntilCurrent(
  it: AsyncIterator<unknown>,
  time: number,
): Promise<{ last: { id: string | undefined; data: IndicatorManyEvent }; per: IndicatorLiveEvent[][] }> {
  const per: IndicatorLiveEvent[][] = ITEMS.map(() => []);
  for (;;) {
    const e = await next<IndicatorManyEvent>(it);
    per[e.data.item]!.push(e.data.event);
    const want = await expected();
    const current = per.every((events, i) => {
      const latest = events.at(-1);
      if (latest?.time.at(-1) !== time) return false;
      const v = want[i]!.get(time)!;
      return Object.entries(latest.values).every(
        ([name, s]) => Math.abs((s.at(-1) ?? NaN) - v[name]!) < 1e-9 || (s.at(-1) === null && !Number.isFinite(v[name]!)),
      );
    });
    if (current) return { last: e, per };
  }
}

beforeAll(async () => {
  h = await startApiHarness('live_many');
  hub = createLiveHub({ source: h.cache, services: h.services, log: pino({ level: 'silent' }), config: { maxStreamsPerClient: 20 } });
  lastTime = h.candles.BTCUSDT.time.at(-1)!;
  await write(true); // a head and a stream to start from
}, 120_000);

afterAll(async () => {
  await hub?.close();
  await h?.close();
});

describe('indicators.liveMany', () => {
  it('one stream carries every item: each window first (the one indicators.live subscribers share), then updates equal to a fresh compute', async () => {
    const single = (await caller().indicators.live({ ...SERIES, ...ITEMS[0]! }))[Symbol.asyncIterator]();
    const singleWindow = await next<IndicatorLiveEvent>(single);
    const before = hub.stats();
    const it = (await caller().indicators.liveMany({ ...SERIES, items: ITEMS }))[Symbol.asyncIterator]();
    // One stream slot; one new computation per item not already computed (EMA(10) over 40 is shared).
    expect(hub.stats().streams - before.streams).toBe(1);
    expect(hub.stats().computations - before.computations).toBe(ITEMS.length - 1);

    const windows = [await next<IndicatorManyEvent>(it), await next<IndicatorManyEvent>(it), await next<IndicatorManyEvent>(it)];
    expect(windows.map((w) => [w.data.item, w.data.indicator, w.data.event.type])).toEqual(
      ITEMS.map((item, i) => [i, item.indicator, 'window']),
    );
    expect(windows[0]!.data.event).toMatchObject({ indicator: 'ema', params: { period: 10 }, limit: 40, time: singleWindow.data.time });
    windows.forEach((w, i) => expect(w.data.event.time).toHaveLength(ITEMS[i]!.limit));
    const want = await expected();
    windows.forEach((w, i) => expectValues(w.data.event, want[i]!));

    await write(false);
    await write(true);
    await write(false);
    const { per } = await readUntilCurrent(it, lastTime);
    const fresh = await expected();
    per.forEach((events, i) => {
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.type === 'update')).toBe(true);
      expectValues(events.at(-1)!, fresh[i]!);
    });

    await it.return?.();
    await single.return?.();
    expect(hub.stats().computations).toBe(before.computations - 1);
    expect(hub.stats().streams).toBe(before.streams - 1);
  });

  it("cut and resumed from its last id, it is sent every item's changed values (updates, no window), none missed", async () => {
    // Another subscriber of the same computations keeps them running while the cut stream is away
    // (a computation started afresh would be rebuilt, and owe every resumed subscriber its window).
    const watcher = (await caller().indicators.liveMany({ ...SERIES, items: ITEMS }))[Symbol.asyncIterator]();
    const it = (await caller().indicators.liveMany({ ...SERIES, items: ITEMS }))[Symbol.asyncIterator]();
    await write(true);
    await readUntilCurrent(watcher, lastTime);
    const { last } = await readUntilCurrent(it, lastTime);
    expect(last.id).not.toBe('0-0');
    await it.return?.(); // cut
    const cutAt = lastTime;

    await write(false);
    await write(true);
    await write(true);
    await readUntilCurrent(watcher, lastTime);

    const resumed = (await caller().indicators.liveMany({ ...SERIES, items: ITEMS, lastEventId: last.id }))[Symbol.asyncIterator]();
    const events = [
      await next<IndicatorManyEvent>(resumed),
      await next<IndicatorManyEvent>(resumed),
      await next<IndicatorManyEvent>(resumed),
    ];
    const fresh = await expected();
    expect(events.map((e) => e.data.item).sort()).toEqual([0, 1, 2]);
    for (const e of events) {
      expect(e.data.event.type === 'window' ? e.data.event.resync : 'update').toBe('update');
      // From the candle that was open at the cut on: everything that changed since.
      expect(e.data.event.time).toEqual([cutAt, cutAt + MINUTE, cutAt + 2 * MINUTE]);
      expectValues(e.data.event, fresh[e.data.item]!);
    }
    await resumed.return?.();
    await watcher.return?.();
  });

  it('a repeated item (the same indicator spelled twice) is its own item over the one computation', async () => {
    const before = hub.stats().computations;
    const items = [ITEMS[1]!, { indicator: 'rsi', params: {}, limit: 30 }]; // RSI's default period is 14
    const it = (await caller().indicators.liveMany({ ...SERIES, items }))[Symbol.asyncIterator]();
    expect(hub.stats().computations - before).toBe(1);
    const windows = [await next<IndicatorManyEvent>(it), await next<IndicatorManyEvent>(it)];
    expect(windows.map((w) => w.data.item)).toEqual([0, 1]);
    expect(windows[1]!.data.event.time).toEqual(windows[0]!.data.event.time);
    expect(windows[1]!.data.event.values).toEqual(windows[0]!.data.event.values);
    await it.return?.();
    expect(hub.stats().computations).toBe(before);
  });

  it('bad items are BAD_REQUEST before anything opens: bad params, none, too many; an unknown symbol NOT_FOUND', async () => {
    const before = hub.stats();
    const open = (items: unknown[]) => trpcError(caller().indicators.liveMany({ ...SERIES, items } as never));
    const bad = await open([ITEMS[0], { indicator: 'rsi', params: { period: 0 } }]);
    expect(bad.code).toBe('BAD_REQUEST');
    expect((await open([])).code).toBe('BAD_REQUEST');
    expect((await open(Array.from({ length: 11 }, (_, i) => ({ indicator: 'ema', params: { period: 2 + i } })))).code).toBe('BAD_REQUEST');
    expect((await trpcError(caller().indicators.liveMany({ symbol: 'NOPEUSDT', interval: '1m', items: ITEMS }))).code).toBe('NOT_FOUND');
    expect(hub.stats().computations).toBe(before.computations);
    expect(hub.stats().streams).toBe(before.streams);
  });
});
