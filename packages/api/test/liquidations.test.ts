import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, trpcError, type ApiHarness, type LiquidationFixture } from './support/api-harness.ts';

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
