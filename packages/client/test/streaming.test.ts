// liquidations.export through httpBatchStreamLink against a real server and database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWick, T0, type Wick } from '@wick/server/testing';
import { createWickClient, type RouterOutputs } from '../src/index.ts';
import { logRequests, proceduresOf, type RequestLog } from './request-log.ts';

type Row = RouterOutputs['liquidations']['list']['rows'][number];

const ROWS = 12_000;
let wick: Wick;
let log: RequestLog;

/** ROWS liquidations, one per second before T0, alternating symbols and sides. */
async function insertLiquidations(): Promise<void> {
  const [symbols] = await wick.database.pool.query('SELECT id, name FROM symbols ORDER BY name');
  const ids = (symbols as { id: number }[]).map((s) => s.id);
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const qty = (0.001 * (1 + (i % 997))).toFixed(3);
    const price = (i % 2 ? 42_000 + (i % 100) / 100 : 2_300 + (i % 100) / 100).toFixed(2);
    return [ids[i % 2], i % 3 ? 'SELL' : 'BUY', 'LIMIT', 'IOC', qty, price, price, 'FILLED', qty, qty, T0 - (i + 1) * 1000];
  });
  await wick.database.pool.query(
    'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price,' +
      ' order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ?',
    [rows],
  );
}

/** Every row matching `filter` through liquidations.list pages: the expected export. */
async function listAll(filter: { symbol?: string }): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: RouterOutputs['liquidations']['list'] = await wick.client.liquidations.list.query({
      ...filter,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  wick = await startWick('client_streaming');
  await insertLiquidations();
  log = logRequests(wick.server.server);
});
afterAll(async () => {
  log?.stop();
  await wick?.close();
});
beforeEach(() => log.clear());

describe('liquidations.export', () => {
  it('streams every row once, newest first, in chunks, over one jsonl request', async () => {
    const expected = await listAll({ symbol: 'BTCUSDT' });
    expect(expected).toHaveLength(ROWS / 2);
    log.clear();

    const client = createWickClient({ url: wick.url });
    const chunks: Row[][] = [];
    for await (const chunk of await client.liquidations.export.query({ symbol: 'BTCUSDT' })) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 1000));
    expect(chunks.every((c) => c.length > 0 && c.length <= 1000)).toBe(true);
    expect(chunks.flat()).toEqual(expected);
    const requests = log.trpc();
    expect(requests.map(proceduresOf)).toEqual([['liquidations.export']]);
    expect(requests[0]!.headers['trpc-accept']).toBe('application/jsonl');
  });

  it('beside plain queries in one tick, the stream has its own request and the queries still batch', async () => {
    const client = createWickClient({ url: wick.url });
    const [stream, symbols, catalog] = await Promise.all([
      client.liquidations.export.query({ symbol: 'ETHUSDT', side: 'BUY' }),
      client.symbols.list.query(),
      client.indicators.catalog.query(),
    ]);
    let rows = 0;
    for await (const chunk of stream) rows += chunk.length;
    expect(rows).toBe((await listAll({ symbol: 'ETHUSDT' })).filter((r) => r.side === 'BUY').length);
    expect(symbols.symbols).toHaveLength(2);
    expect(catalog.indicators.length).toBeGreaterThan(0);

    const requests = log.trpc().filter((r) => !proceduresOf(r).includes('liquidations.list'));
    expect(requests.map(proceduresOf).sort()).toEqual([['liquidations.export'], ['symbols.list', 'indicators.catalog']]);
    const streamed = requests.find((r) => proceduresOf(r)[0] === 'liquidations.export')!;
    expect(streamed.headers['trpc-accept']).toBe('application/jsonl');
  });

  it('an abort signal ends the stream early and the server gives its connection back', async () => {
    const baseline = wick.server.database.poolStats();
    const client = createWickClient({ url: wick.url });
    const controller = new AbortController();
    let seen = 0;
    const stream = await client.liquidations.export.query({}, { signal: controller.signal });
    const outcome = await (async () => {
      for await (const chunk of stream) {
        seen += chunk.length;
        if (seen >= 1000) controller.abort();
      }
      return 'ended';
    })().catch((err: unknown) => (controller.signal.aborted ? 'aborted' : err));
    expect(outcome).toBe('aborted');
    expect(seen).toBeGreaterThanOrEqual(1000);
    expect(seen).toBeLessThan(ROWS);
    let stats = wick.server.database.poolStats();
    for (let i = 0; i < 500 && stats.inUse > baseline.inUse; i++) {
      await new Promise((r) => setTimeout(r, 20));
      stats = wick.server.database.poolStats();
    }
    expect(stats.inUse).toBe(baseline.inUse);
  });
});
