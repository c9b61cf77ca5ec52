// superjson both ways: what the client returns is exactly what the server serialized, and inputs
// that need superjson's meta reach the server intact.
import superjson, { type SuperJSONResult } from 'superjson';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_MINUTES, fixtureCandles, MINUTE, startWick, T0, type Wick } from '@wick/server/testing';
import { createWickClient, type WickClient } from '../src/index.ts';

interface Exchange {
  url: string;
  body: string;
}

let wick: Wick;
let client: WickClient;
let exchanges: Exchange[] = [];

/** fetch that keeps each request URL and response body, so a test can decode the wire itself. */
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  exchanges.push({ url: String(input instanceof Request ? input.url : input), body: await res.clone().text() });
  return res;
};

/** The one answer of the last (batched) request, decoded with superjson directly. */
function lastAnswerOnTheWire(): unknown {
  const [item] = JSON.parse(exchanges.at(-1)!.body) as [{ result: { data: SuperJSONResult } }];
  return superjson.deserialize(item.result.data);
}

beforeAll(async () => {
  wick = await startWick('client_superjson');
  const [symbols] = await wick.database.pool.query('SELECT id FROM symbols ORDER BY name');
  const btc = (symbols as { id: number }[])[0]!.id;
  const rows = Array.from({ length: 30 }, (_, i) => [
    btc,
    i % 2 ? 'BUY' : 'SELL',
    'LIMIT',
    'IOC',
    '0.125',
    '42000.10',
    '42000.10',
    'FILLED',
    '0.125',
    '0.125',
    T0 - (i + 1) * 60_000,
  ]);
  await wick.database.pool.query(
    'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price,' +
      ' order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ?',
    [rows],
  );
  client = createWickClient({ url: wick.url, fetch: recordingFetch });
});
afterAll(() => wick?.close());
beforeEach(() => {
  exchanges = [];
});

const FIRST_CANDLE = T0 - FIXTURE_MINUTES * MINUTE;
const window = { symbol: 'BTCUSDT', interval: '1m' as const, limit: 40, to: T0 - MINUTE };

describe('answers', () => {
  const calls: [string, (c: WickClient) => Promise<unknown>][] = [
    ['symbols.list', (c) => c.symbols.list.query()],
    ['indicators.catalog', (c) => c.indicators.catalog.query()],
    ['candles.range', (c) => c.candles.range.query(window)],
    ['indicators.compute', (c) => c.indicators.compute.query({ ...window, indicator: 'macd', params: {} })],
    [
      'indicators.batch',
      (c) =>
        c.indicators.batch.query({
          items: [
            { ...window, indicator: 'rsi', params: {} },
            { ...window, indicator: 'nope', params: {} },
          ],
        }),
    ],
    ['liquidations.list', (c) => c.liquidations.list.query({ symbol: 'BTCUSDT', limit: 10 })],
    ['liquidations.summary', (c) => c.liquidations.summary.query({ bucket: '5m', from: T0 - 3_600_000, to: T0 - 1 })],
    ['dashboard.snapshot', (c) => c.dashboard.snapshot.query({ ...window, indicators: [{ indicator: 'bbands', params: {} }] })],
    ['health', (c) => c.health.query()],
    ['cache.stats', (c) => c.cache.stats.query()],
  ];
  it.each(calls)('%s: the client returns exactly what superjson decodes from the wire', async (_path, call) => {
    const answer = await call(client);
    expect(exchanges).toHaveLength(1);
    expect(answer).toStrictEqual(lastAnswerOnTheWire());
  });

  it('stored values arrive exactly: candle prices as seeded, indicator gaps as null', async () => {
    const seeded = fixtureCandles('BTCUSDT', FIXTURE_MINUTES);
    const { candles } = await client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', from: FIRST_CANDLE, limit: 100 });
    expect(candles.time).toEqual(seeded.slice(0, 100).map((c) => c.time));
    expect(candles.close).toEqual(seeded.slice(0, 100).map((c) => c.close));
    expect(candles.volume).toEqual(seeded.slice(0, 100).map((c) => c.volume));

    // RSI(14) has no value for the series' first 14 candles: null, not NaN or a missing entry.
    const rsi = await client.indicators.compute.query({
      symbol: 'BTCUSDT',
      interval: '1m',
      indicator: 'rsi',
      params: {},
      from: FIRST_CANDLE,
      limit: 30,
    });
    const values = rsi.values.value!;
    expect(values).toHaveLength(30);
    expect(values.slice(0, 14)).toEqual(Array.from({ length: 14 }, () => null));
    expect(values.slice(14).every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });

  it('liquidation decimals stay exact strings', async () => {
    const { rows } = await client.liquidations.list.query({ symbol: 'BTCUSDT', limit: 5 });
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      // Scale 10 as stored; usd = 42000.10 × 0.125 computed by the database, not in floating point.
      expect([r.price, r.averagePrice, r.accumulatedFillQuantity, r.usd]).toEqual([
        '42000.1000000000',
        '42000.1000000000',
        '0.1250000000',
        '5250.0125000000',
      ]);
      expect(typeof r.orderTradeTime).toBe('number');
    }
  });
});

describe('inputs', () => {
  it('an undefined field travels as superjson meta and means "absent", as leaving it out does', async () => {
    const without = await client.candles.range.query({ symbol: 'ETHUSDT', interval: '1m', limit: 5 });
    const withUndefined = await client.candles.range.query({ symbol: 'ETHUSDT', interval: '1m', limit: 5, to: undefined });
    const sent = JSON.parse(new URL(exchanges.at(-1)!.url).searchParams.get('input')!) as Record<string, SuperJSONResult>;
    expect(sent[0]!.meta).toBeDefined();
    expect(superjson.deserialize(sent[0]!)).toStrictEqual({ symbol: 'ETHUSDT', interval: '1m', limit: 5, to: undefined });
    expect(withUndefined.candles).toEqual(without.candles);
  });
});
