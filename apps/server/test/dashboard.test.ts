import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, MINUTE, startWick, T0, type Wick } from '@wick/server/testing';

let wick: Wick;

/** A few liquidations per minute over the fixture's last 1,000 minutes, both sides, both symbols. */
async function insertLiquidations(): Promise<void> {
  const [symbols] = await wick.database.pool.query('SELECT id, name FROM symbols');
  const rows: unknown[][] = [];
  for (const { id, name } of symbols as { id: number; name: string }[]) {
    const price = name.startsWith('BTC') ? '42000.50' : '2300.25';
    for (let m = 1; m <= 1000; m++) {
      for (let k = 0; k < 1 + (m % 3); k++) {
        const qty = ((m * 7 + k * 13) % 50) / 10 + 0.1;
        const q = qty.toFixed(1);
        rows.push([id, (m + k) % 2 ? 'BUY' : 'SELL', 'LIMIT', 'IOC', q, price, price, 'FILLED', q, q, T0 - m * MINUTE + k * 1000]);
      }
    }
  }
  await wick.database.pool.query(
    'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price,' +
      ' order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ?',
    [rows],
  );
}

beforeAll(async () => {
  wick = await startWick('dash');
  await insertLiquidations();
});
afterAll(() => wick?.close());

const indicators = [
  { indicator: 'rsi', params: { period: 14 } },
  { indicator: 'sma', params: { period: 20 } },
  { indicator: 'bbands', params: {} },
];

describe('dashboard.snapshot', () => {
  it('returns candles, indicators and the liquidation summary of the visible range, equal to the single calls', async () => {
    // A window ending at a given candle is historical: cached for long, so the repeat below hits.
    const input = { symbol: 'BTCUSDT', interval: '1m' as const, indicators, limit: 300, to: T0 - MINUTE };
    const snap = await wick.client.dashboard.snapshot.query(input);
    expect(snap.errors).toEqual([]);
    expect(snap.candles!.time).toHaveLength(300);
    expect(snap.candles!.time.at(-1)).toBe(T0 - MINUTE);

    const candles = await wick.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 300, to: T0 - MINUTE });
    expect(snap.candles!.time).toEqual(candles.candles.time);
    expect(snap.candles!.close).toEqual(candles.candles.close);

    expect(snap.indicators).toHaveLength(3);
    for (const [i, req] of indicators.entries()) {
      const item = snap.indicators![i]!;
      expect(item.ok).toBe(true);
      const single = await wick.client.indicators.compute.query({ symbol: 'BTCUSDT', interval: '1m', limit: 300, to: T0 - MINUTE, ...req });
      if (item.ok) {
        expect(item.time).toEqual(single.time);
        expect(item.values).toEqual(single.values);
      }
    }

    const liq = snap.liquidations!;
    const from = snap.candles!.time[0]!;
    const to = T0 - 1;
    expect([liq.bucket, liq.from, liq.to]).toEqual(['1m', from, to]);
    expect(liq.buckets).toHaveLength(300);
    const summary = await wick.client.liquidations.summary.query({ symbol: 'BTCUSDT', bucket: '1m', from, to });
    expect(liq.buckets).toEqual(summary.buckets);
    expect(liq.totals.longCount + liq.totals.shortCount).toBe(600);

    // Everything the snapshot read is cached now: the same snapshot is all hits.
    const again = await wick.client.dashboard.snapshot.query(input);
    expect(again.errors).toEqual([]);
    expect(again.candles!.cache.status).toBe('hit');
    expect(again.liquidations!.cache.status).toBe('hit');
    expect(again.cache.miss).toBe(0);
    expect(again.cache.hit).toBeGreaterThanOrEqual(5);
  });

  it('a coarser summary bucket when the visible range would need more than 2,000 buckets', async () => {
    const snap = await wick.client.dashboard.snapshot.query({ symbol: 'ETHUSDT', interval: '1m', limit: 2500 });
    expect(snap.errors).toEqual([]);
    expect(snap.candles!.time).toHaveLength(2500);
    expect(snap.liquidations!.bucket).toBe('5m');
    expect(snap.liquidations!.buckets.length).toBeLessThanOrEqual(2000);
    expect(snap.liquidations!.totals.longCount + snap.liquidations!.totals.shortCount).toBe(2000);
  });

  it('with the liquidation table gone, only that section fails; candles and indicators are returned (HTTP 200)', async () => {
    await wick.database.pool.query('RENAME TABLE liquidation_orders TO liquidation_orders_away');
    try {
      const input = { symbol: 'ETHUSDT', interval: '1m' as const, indicators: indicators.slice(0, 2), limit: 120 };
      const url = `${wick.url}/trpc/dashboard.snapshot?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result: { data: { json: { errors: { section: string; code: string; message: string }[] } } } };
      expect(body.result.data.json.errors.map((e) => e.section)).toEqual(['liquidations']);

      const snap = await wick.client.dashboard.snapshot.query(input);
      expect(snap.errors).toHaveLength(1);
      expect(snap.errors[0]!.section).toBe('liquidations');
      expect(snap.errors[0]!.code).toBe('INTERNAL_SERVER_ERROR');
      expect(snap.errors[0]!.message).not.toMatch(/liquidation_orders|SELECT|at /); // no SQL or stack to the client
      expect(snap.liquidations).toBeNull();
      expect(snap.candles!.time).toHaveLength(120);
      expect(snap.indicators!.every((i) => i.ok)).toBe(true);
      expect(snap.indicators).toHaveLength(2);
    } finally {
      await wick.database.pool.query('RENAME TABLE liquidation_orders_away TO liquidation_orders');
    }
    const healed = await wick.client.dashboard.snapshot.query({
      symbol: 'ETHUSDT',
      interval: '1m',
      indicators: indicators.slice(0, 2),
      limit: 120,
    });
    expect(healed.errors).toEqual([]);
    expect(healed.liquidations!.buckets).toHaveLength(120);
  });

  it('a failing indicator is reported beside the others', async () => {
    const snap = await wick.client.dashboard.snapshot.query({
      symbol: 'BTCUSDT',
      interval: '1m',
      indicators: [indicators[0]!, { indicator: 'rsi', params: { period: 0 } }, { indicator: 'nope', params: {} }],
      limit: 100,
    });
    expect(snap.errors.map((e) => [e.section, e.code])).toEqual([
      ['indicators.1', 'BAD_REQUEST'],
      ['indicators.2', 'BAD_REQUEST'],
    ]);
    expect(snap.indicators![0]!.ok).toBe(true);
    expect(snap.candles).not.toBeNull();
    expect(snap.liquidations).not.toBeNull();
  });

  it('an unknown symbol fails every section, still answered with 200 and errors', async () => {
    const snap = await wick.client.dashboard.snapshot.query({
      symbol: 'NOPEUSDT',
      interval: '1h',
      indicators: indicators.slice(0, 1),
      limit: 50,
    });
    expect(snap.candles).toBeNull();
    expect(snap.liquidations).toBeNull();
    expect(snap.errors.map((e) => [e.section, e.code]).sort()).toEqual([
      ['candles', 'NOT_FOUND'],
      ['indicators.0', 'NOT_FOUND'],
      ['liquidations', 'NOT_FOUND'],
    ]);
  });

  it('bad input is BAD_REQUEST', async () => {
    const many = Array.from({ length: 11 }, () => indicators[0]!);
    for (const input of [
      { symbol: 'BTCUSDT', interval: '1m' as const, indicators: many },
      { symbol: 'BTCUSDT', interval: '2m' as '1m' },
      { symbol: 'BTCUSDT', interval: '1m' as const, limit: 5001 },
    ]) {
      const err = await wick.client.dashboard.snapshot.query(input).catch((e: unknown) => e);
      expect(errorCode(err)).toBe('BAD_REQUEST');
    }
  });
});
