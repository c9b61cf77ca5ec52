import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEY, startApiHarness, trpcError, wireError, type ApiHarness, type LiquidationFixture } from './support/api-harness.ts';

const BASE = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;
const COUNT = 240;
let api: ApiHarness;

/** 4 rows per millisecond (ties on order_trade_time across symbols and sides), ids not in time order. */
const fixture: LiquidationFixture[] = Array.from({ length: COUNT }, (_, i) => ({
  id: 1 + ((i * 7) % COUNT),
  symbol: i % 3 === 0 ? 'ETHUSDT' : 'BTCUSDT',
  side: i % 2 === 0 ? 'SELL' : 'BUY',
  price: (100 + (i % 50) / 4).toFixed(2),
  quantity: (1 + (i % 9) / 8).toFixed(3),
  orderTradeTime: BASE + 3_600_000 + Math.floor(i / 4) * 1000,
}));

/** Newest first, then the larger id first: the keyset order every page follows. */
const newestFirst = (a: LiquidationFixture, b: LiquidationFixture) => b.orderTradeTime - a.orderTradeTime || b.id - a.id;

beforeAll(async () => {
  api = await startApiHarness('liquidations');
  await api.insertLiquidations(fixture);
});
afterAll(() => api?.close());

type Filter = { symbol?: string; side?: 'BUY' | 'SELL' };

async function walk(filter: Filter, limit: number) {
  const rows = [];
  let cursor: string | undefined;
  for (let page = 1; page <= COUNT + 1; page++) {
    const r = await api.caller().liquidations.list({ ...filter, limit, ...(cursor === undefined ? {} : { cursor }) });
    rows.push(...r.rows);
    if (r.nextCursor === null) {
      expect(r.rows.length).toBeLessThanOrEqual(limit);
      return rows;
    }
    expect(r.rows).toHaveLength(limit);
    cursor = r.nextCursor;
  }
  throw new Error('the walk does not end');
}

describe('liquidations.list', () => {
  it('pages through every row once, newest first, ties broken by id', async () => {
    const rows = await walk({}, 7);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...fixture].sort(newestFirst).map((r) => r.id));
    const byId = new Map(fixture.map((f) => [f.id, f]));
    for (const row of rows) {
      const f = byId.get(row.id)!;
      expect([row.symbol, row.side, row.orderTradeTime]).toEqual([f.symbol, f.side, f.orderTradeTime]);
      expect(Number(row.price)).toBe(Number(f.price));
      expect(Number(row.usd)).toBeCloseTo(Number(f.price) * Number(f.quantity), 8);
    }
  });

  it('a filtered walk visits exactly the matching rows, in order', async () => {
    const filter = { symbol: 'btcusdt', side: 'SELL' } as const;
    const rows = await walk(filter, 5);
    const expected = fixture.filter((f) => f.symbol === 'BTCUSDT' && f.side === 'SELL').sort(newestFirst);
    expect(expected.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.id)).toEqual(expected.map((f) => f.id));
  });

  it('a cursor only continues the filters it was issued for', async () => {
    const first = await api.caller().liquidations.list({ limit: 10 });
    expect(first.nextCursor).not.toBeNull();
    const err = await trpcError(api.caller().liquidations.list({ limit: 10, symbol: 'ETHUSDT', cursor: first.nextCursor! }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/^Invalid cursor: .*Start again from the first page/);
  });
});

describe('liquidations.summary', () => {
  it('sums every row of the range by side: a miss, then a hit', async () => {
    const input = { bucket: '1h', from: BASE, to: BASE + DAY - 1 } as const;
    const first = await api.caller().liquidations.summary(input);
    expect(first.cache.status).toBe('miss');
    expect(first.buckets).toHaveLength(24);
    const sells = fixture.filter((f) => f.side === 'SELL').length;
    expect(first.totals.longCount).toBe(sells);
    expect(first.totals.shortCount).toBe(COUNT - sells);
    expect(first.buckets[1]!.longCount + first.buckets[1]!.shortCount).toBe(COUNT);

    const second = await api.caller().liquidations.summary(input);
    expect(second.cache.status).toBe('hit');
    expect(second.buckets).toEqual(first.buckets);
  });

  const tooMany = [
    { bucket: '1m', days: 3, count: 3 * 1440, fits: '5m' },
    { bucket: '1h', days: 100, count: 100 * 24, fits: '4h' },
  ] as const;
  for (const { bucket, days, count, fits } of tooMany) {
    it(`${days} days of ${bucket} buckets are BAD_REQUEST naming bucket "${fits}"`, async () => {
      const err = await trpcError(api.caller().liquidations.summary({ bucket, from: BASE, to: BASE + days * DAY - 1 }));
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toBe(`The range spans ${count} buckets; at most 2000 per summary. Use bucket "${fits}" or a shorter range.`);
    });
  }

  it('a range no bucket fits asks for a shorter range', async () => {
    const err = await trpcError(api.caller().liquidations.summary({ bucket: '1d', from: BASE, to: BASE + 2500 * DAY }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('The range spans 2501 buckets; at most 2000 per summary. Use a shorter range.');
  });
});

describe('liquidations.ingest', () => {
  /** Binance forceOrder events, on the fixture's second day (no fixture row there). */
  const DAY2 = BASE + DAY;
  const event = (i: number, symbol = 'BTCUSDT') => ({
    symbol,
    side: i % 2 === 0 ? ('SELL' as const) : ('BUY' as const),
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: (0.5 + i / 100).toFixed(3),
    price: (40_000 + i).toFixed(2),
    averagePrice: (40_000 + i).toFixed(2),
    orderStatus: 'FILLED',
    lastFillQuantity: (0.5 + i / 100).toFixed(3),
    accumulatedFillQuantity: (0.5 + i / 100).toFixed(3),
    orderTradeTime: DAY2 + 3_600_000 + i * 1000,
  });
  /** apiKey null: a caller without a key. */
  const ingest = (events: ReturnType<typeof event>[], apiKey: string | null = INGEST_KEY) =>
    api.caller(apiKey === null ? {} : { apiKey }).liquidations.ingest({ events });

  it('needs an ingest key', async () => {
    const err = await trpcError(ingest([event(0)], null));
    expect(err.code).toBe('UNAUTHORIZED');
    expect((await api.caller().liquidations.list({ from: event(0).orderTradeTime, to: event(0).orderTradeTime, limit: 1 })).rows).toEqual(
      [],
    );
  });

  it('stores new events, counts repeats as duplicates, and the rows read back exactly', async () => {
    const events = [event(1), event(2, 'ETHUSDT'), event(3)];
    expect(await ingest(events)).toEqual({ inserted: 3, duplicates: 0 });
    // Again, plus one new event and one repeated within the call.
    expect(await ingest([...events, event(4), event(4)])).toEqual({ inserted: 1, duplicates: 4 });
    const page = await api.caller().liquidations.list({ from: DAY2, to: DAY2 + DAY - 1, limit: 10 });
    expect(page.rows.map((r) => r.orderTradeTime)).toEqual([4, 3, 2, 1].map((i) => event(i).orderTradeTime));
    const row = page.rows.find((r) => r.orderTradeTime === event(2).orderTradeTime)!;
    expect([row.symbol, row.side, Number(row.price), Number(row.accumulatedFillQuantity)]).toEqual(['ETHUSDT', 'SELL', 40_002, 0.52]);
    expect(Number(row.usd)).toBeCloseTo(40_002 * 0.52, 8);
  });

  it('drops cached summaries of the range it writes to, for the symbol and for all symbols', async () => {
    const range = { bucket: '1h', from: DAY2, to: DAY2 + DAY - 1 } as const;
    const before = {
      btc: await api.caller().liquidations.summary({ ...range, symbol: 'BTCUSDT' }),
      all: await api.caller().liquidations.summary(range),
    };
    expect((await api.caller().liquidations.summary(range)).cache.status).toBe('hit');
    await ingest([event(10), event(11)]);
    const after = {
      btc: await api.caller().liquidations.summary({ ...range, symbol: 'BTCUSDT' }),
      all: await api.caller().liquidations.summary(range),
    };
    expect([after.btc.cache.status, after.all.cache.status]).toEqual(['miss', 'miss']);
    expect(after.btc.totals.longCount + after.btc.totals.shortCount).toBe(before.btc.totals.longCount + before.btc.totals.shortCount + 2);
    expect(after.all.totals.longCount + after.all.totals.shortCount).toBe(before.all.totals.longCount + before.all.totals.shortCount + 2);
  });

  it('publishes every new row, with its id and usd, on the liquidation channel before it answers; duplicates are not published', async () => {
    const channel = { kind: 'global', name: 'liq' } as const;
    const newest = (await api.cache.replay(channel, undefined, 1))?.newestId ?? undefined;
    await ingest([event(20), event(21, 'ETHUSDT'), event(20)]);
    const replay = await api.cache.replay(channel, newest, 100);
    const published = replay!.entries.map((e) => e.event as { id: number; usd: string; orderTradeTime: number; symbol: string });
    expect(published.map((r) => [r.symbol, r.orderTradeTime])).toEqual([
      ['BTCUSDT', event(20).orderTradeTime],
      ['ETHUSDT', event(21).orderTradeTime],
    ]);
    const page = await api.caller().liquidations.list({ from: event(20).orderTradeTime, to: event(21).orderTradeTime, limit: 10 });
    expect(published.map((r) => [r.id, r.usd]).sort()).toEqual(page.rows.map((r) => [r.id, r.usd]).sort());
  });

  it('bad events are BAD_REQUEST with the path of each bad field', async () => {
    const bad = { ...event(30), price: '1e5', side: 'LONG', originalQuantity: '-1', orderTradeTime: 1_700_000_000 };
    const err = await trpcError(api.caller({ apiKey: INGEST_KEY }).liquidations.ingest({ events: [bad as never] }));
    expect(err.code).toBe('BAD_REQUEST');
    const paths = wireError(err, 'liquidations.ingest')
      .data.issues?.map((i) => i.path)
      .sort();
    expect(paths).toEqual(['events.0.orderTradeTime', 'events.0.originalQuantity', 'events.0.price', 'events.0.side']);
  });

  it('a price with more integer digits than the column holds, no events and over 1,000 events are BAD_REQUEST', async () => {
    for (const events of [[{ ...event(31), price: '1'.repeat(15) }], [], Array.from({ length: 1001 }, (_, i) => event(i))]) {
      const err = await trpcError(ingest(events));
      expect(err.code).toBe('BAD_REQUEST');
      expect(wireError(err, 'liquidations.ingest').data.fieldErrors?.events).toBeDefined();
    }
  });

  it('an unknown symbol is NOT_FOUND and stores nothing of the call', async () => {
    const err = await trpcError(ingest([event(40), event(41, 'NOPEUSDT')]));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain('NOPEUSDT');
    const page = await api.caller().liquidations.list({ from: event(40).orderTradeTime, to: event(40).orderTradeTime, limit: 10 });
    expect(page.rows).toEqual([]);
  });
});
