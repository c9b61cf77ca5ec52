// The k6 wire helper against a real server (real MariaDB, real Valkey cluster), with plain fetch.
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, INGEST_KEY, MINUTE, T0, startWick, type Wick } from '@wick/server/testing';
import {
  batchUrl,
  cacheStatus,
  decodeBatch,
  decodeResponse,
  deserialize,
  encodeInput,
  headers,
  mutationRequest,
  parseJsonl,
  queryUrl,
  UnknownMetaError,
  WireFormatError,
} from '../lib/trpc-wire.js';
import * as shape from '../lib/shapes.js';

let wick: Wick;
const LIQUIDATIONS = 2500;

beforeAll(async () => {
  wick = await startWick('loadtests');
  // A few liquidation rows for the list/export calls (the harness fixture has candles only).
  const rows: unknown[][] = [];
  for (let i = 0; i < LIQUIDATIONS; i++) {
    rows.push([
      i % 2 === 0 ? 1 : 2,
      i % 3 === 0 ? 'BUY' : 'SELL',
      'LIMIT',
      'IOC',
      '0.500',
      '42000.10',
      '42000.10',
      'FILLED',
      '0.500',
      '0.500',
      T0 - i * 1000,
    ]);
  }
  await wick.database.pool.query(
    'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price, order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ?',
    [rows],
  );
});
afterAll(() => wick?.close());

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: string; contentType: string | null }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
}

const rsi = { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 14 }, limit: 50, to: T0 - MINUTE };

describe('encoding', () => {
  it('builds the query URL tRPC expects', () => {
    expect(queryUrl('http://h:1/', 'a.b', { x: 1 })).toBe(`http://h:1/trpc/a.b?input=${encodeURIComponent('{"json":{"x":1}}')}`);
    expect(queryUrl('http://h:1', 'noop')).toBe('http://h:1/trpc/noop');
    expect(batchUrl('http://h:1', [{ path: 'a' }, { path: 'b', input: { y: 2 } }])).toBe(
      `http://h:1/trpc/a,b?batch=1&input=${encodeURIComponent('{"0":{"json":null},"1":{"json":{"y":2}}}')}`,
    );
  });

  it('encodes inputs exactly as superjson does for plain JSON', () => {
    for (const v of [rsi, { items: [rsi, rsi] }, null, 3, 'x', [1, 2]]) {
      // superjson may add referentialEqualities (identity only; the JSON holds full copies).
      expect(JSON.parse(JSON.stringify(encodeInput(v))).json).toEqual(JSON.parse(JSON.stringify(superjson.serialize(v).json)));
    }
    // An undefined field: superjson sends null + meta, we leave the key out; the server reads both as absent.
    const withUndefined = { a: undefined, b: 1 };
    const ours = JSON.parse(JSON.stringify(encodeInput(withUndefined)));
    expect(ours).toEqual({ json: { b: 1 } });
    expect(superjson.deserialize(ours)).toEqual(superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(withUndefined)))));
  });

  it('refuses inputs that would need superjson meta', () => {
    expect(() => encodeInput({ t: new Date() })).toThrow(WireFormatError);
    expect(() => encodeInput({ n: NaN })).toThrow(WireFormatError);
    expect(() => encodeInput([1, undefined])).toThrow(WireFormatError);
    expect(() => encodeInput({ b: 1n })).toThrow(WireFormatError);
  });
});

describe('superjson meta', () => {
  it('rebuilds every type it claims to, as superjson itself does', () => {
    const value = {
      d: new Date(T0),
      u: undefined,
      n: [NaN, Infinity, -Infinity, 1],
      big: 12345678901234567890n,
      set: new Set([1, 2]),
      map: new Map([['k', new Date(T0)]]),
      re: /a.b/gi,
      'dotted.key': { inner: undefined as unknown, x: 1 },
      nested: { deeper: [{ when: new Date(0) }] },
    };
    const wire = JSON.parse(JSON.stringify(superjson.serialize(value)));
    expect(wire.meta).toBeDefined();
    const before = JSON.stringify(wire);
    expect(deserialize(wire)).toEqual(superjson.deserialize(JSON.parse(before)));
    expect(JSON.stringify(wire)).toBe(before);
  });

  it('reports meta it cannot rebuild instead of passing it through', () => {
    class Point {
      constructor(readonly x = 1) {}
    }
    const sj = new superjson();
    sj.registerClass(Point, 'Point');
    const wire = JSON.parse(JSON.stringify(sj.serialize({ p: new Point() })));
    expect(() => deserialize(wire)).toThrow(UnknownMetaError);
    expect(() => deserialize({ json: 1, meta: { values: [['custom', 'x']], v: 1 } } as never)).toThrow(UnknownMetaError);
  });
});

describe('against the real server', () => {
  it('reads a single query: noop, noopPayload, a computed indicator', async () => {
    const noop = await get(queryUrl(wick.url, 'noop'));
    expect(noop.status).toBe(200);
    expect(decodeResponse(noop.body)).toEqual({ ok: true, data: { ok: true } });

    const floor = decodeResponse((await get(queryUrl(wick.url, 'noopPayload'))).body);
    expect(floor.ok && (floor.data as { values: { value: number[] } }).values.value).toHaveLength(1000);

    const first = decodeResponse((await get(queryUrl(wick.url, 'indicators.compute', rsi))).body);
    const second = decodeResponse((await get(queryUrl(wick.url, 'indicators.compute', rsi))).body);
    expect(first.ok && second.ok).toBe(true);
    expect(cacheStatus(first.ok ? first.data : null)).toBe('miss');
    expect(cacheStatus(second.ok ? second.data : null)).toBe('hit');
    const viaClient = await wick.client.indicators.compute.query(rsi as never);
    expect(second.ok && (second.data as { values: unknown }).values).toEqual(viaClient.values);
    expect(second.ok && (second.data as { time: number[] }).time).toHaveLength(50);
  });

  it('reads a batch in call order, with a failing item beside the others (HTTP 207)', async () => {
    const ok = await get(batchUrl(wick.url, [{ path: 'noop' }, { path: 'symbols.list' }, { path: 'indicators.compute', input: rsi }]));
    expect(ok.status).toBe(200);
    const items = decodeBatch(ok.body);
    expect(items.map((i) => i.ok)).toEqual([true, true, true]);
    expect(items[0]).toEqual({ ok: true, data: { ok: true } });
    const symbols = items[1]!.ok ? (items[1]!.data as { symbols: { name: string }[] }).symbols.map((s) => s.name) : [];
    expect(symbols.sort()).toEqual(['BTCUSDT', 'ETHUSDT']);

    const mixed = await get(batchUrl(wick.url, [{ path: 'noop' }, { path: 'indicators.compute', input: { ...rsi, interval: '7m' } }]));
    expect(mixed.status).toBe(207);
    const [good, bad] = decodeBatch(mixed.body);
    expect(good!.ok).toBe(true);
    expect(bad!.ok).toBe(false);
    if (!bad!.ok) {
      expect(bad!.error.code).toBe('BAD_REQUEST');
      expect(bad!.error.httpStatus).toBe(400);
      expect(bad!.error.path).toBe('indicators.compute');
      expect(Object.keys(bad!.error.fieldErrors ?? {})).toEqual(['interval']);
    }
    expect(() => decodeResponse(mixed.body)).toThrow(WireFormatError);
    expect(() => decodeBatch('{"result":{"data":{"json":1}}}')).toThrow(WireFormatError);
  });

  it('batches indicators.batch with its per-item results', async () => {
    const input = { items: [rsi, { ...rsi, indicator: 'sma', params: { period: 20 } }, { ...rsi, indicator: 'nope' }] };
    const res = decodeResponse((await get(queryUrl(wick.url, 'indicators.batch', input))).body);
    expect(res.ok).toBe(true);
    const items = (res.ok ? res.data : { items: [] }) as { items: { ok: boolean; error?: { code: string } }[] };
    expect(items.items.map((i) => i.ok)).toEqual([true, true, false]);
    expect(items.items[2]!.error!.code).toBe('BAD_REQUEST');
  });

  it('decodes BAD_REQUEST with its field paths, for a single query', async () => {
    const res = await get(queryUrl(wick.url, 'indicators.compute', { ...rsi, symbol: 'x', limit: 0 }));
    expect(res.status).toBe(400);
    const d = decodeResponse(res.body);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.error.code).toBe('BAD_REQUEST');
      expect(d.error.httpStatus).toBe(400);
      expect(Object.keys(d.error.fieldErrors ?? {}).sort()).toEqual(['limit', 'symbol']);
      expect(d.error.issues!.map((i) => i.path).sort()).toEqual(['limit', 'symbol']);
      // superjson meta on the error (undefined fields) is applied, not left in the data.
      expect('retryAfterMs' in d.error.data).toBe(false);
      expect(JSON.stringify(d)).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('sends a mutation with the API key; UNAUTHORIZED without it', async () => {
    const candle = { time: T0, open: 100, high: 110, low: 90, close: 105, volume: 3 };
    const input = { symbol: 'ETHUSDT', interval: '1m', candles: [candle] };

    const anon = mutationRequest(wick.url, 'candles.ingest', input);
    const denied = await get(anon.url, { method: anon.method, headers: anon.headers, body: anon.body });
    expect(denied.status).toBe(401);
    const d = decodeResponse(denied.body);
    expect(!d.ok && d.error.code).toBe('UNAUTHORIZED');

    const req = mutationRequest(wick.url, 'candles.ingest', input, INGEST_KEY);
    const res = await get(req.url, { method: req.method, headers: req.headers, body: req.body });
    expect(res.status).toBe(200);
    expect(decodeResponse(res.body)).toEqual({ ok: true, data: { symbol: 'ETHUSDT', interval: '1m', received: 1, affected: 1 } });

    // A reader after the answer sees the candle (what ingest-while-reading checks under load).
    const range = decodeResponse(
      (await get(queryUrl(wick.url, 'candles.range', { symbol: 'ETHUSDT', interval: '1m', to: T0, limit: 1 }))).body,
    );
    expect(range.ok && (range.data as { candles: { time: number[]; close: number[] } }).candles).toMatchObject({
      time: [T0],
      close: [105],
    });

    // Input-less admin mutation: the JSON content type is what tRPC requires.
    const clear = mutationRequest(wick.url, 'cache.clear', undefined, ADMIN_KEY);
    expect(clear.headers['content-type']).toBe('application/json');
    const cleared = await get(clear.url, { method: clear.method, headers: clear.headers, body: clear.body });
    expect(cleared.status).toBe(200);
    expect(decodeResponse(cleared.body).ok).toBe(true);
  });

  it('parses a jsonl batch of plain queries, with an error beside a result', async () => {
    const url = batchUrl(wick.url, [
      { path: 'noop' },
      { path: 'indicators.compute', input: { ...rsi, symbol: '!' } },
      { path: 'symbols.list' },
    ]);
    const res = await get(url, { headers: headers(undefined, { stream: true }) });
    expect(res.status).toBe(200);
    const items = parseJsonl(res.body);
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ ok: true, data: { ok: true } });
    expect(items[1]!.ok).toBe(false);
    if (!items[1]!.ok) {
      expect(items[1]!.error.code).toBe('BAD_REQUEST');
      expect(Object.keys(items[1]!.error.fieldErrors ?? {})).toEqual(['symbol']);
    }
    expect(items[2]!.ok && cacheStatus(items[2]!.data)).toMatch(/^(hit|miss|stale|bypass)$/);
    expect(() => parseJsonl(res.body.split('\n').slice(0, 2).join('\n'))).toThrow(WireFormatError);
  });

  it('parses the streamed liquidations.export: every row once, in order, as the HTTP export', async () => {
    const filter = { symbol: 'BTCUSDT' };
    const res = await get(batchUrl(wick.url, [{ path: 'liquidations.export', input: filter }]), {
      headers: headers(undefined, { stream: true }),
    });
    expect(res.status).toBe(200);
    const [item] = parseJsonl(res.body);
    expect(item!.ok).toBe(true);
    const chunks = (item!.ok ? item!.data : []) as { id: number; orderTradeTime: number }[][];
    expect(Array.isArray(chunks)).toBe(true);
    const rows = chunks.flat();
    expect(rows).toHaveLength(LIQUIDATIONS / 2);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.orderTradeTime).toBeLessThanOrEqual(rows[i - 1]!.orderTradeTime);

    const csv = await get(`${wick.url}/export/liquidations.csv?symbol=BTCUSDT`);
    const lines = csv.body.trim().split('\n');
    expect(lines).toHaveLength(rows.length + 1);
    const idCol = lines[0]!.split(',').indexOf('id');
    expect(lines.slice(1).map((l) => Number(l.split(',')[idCol]))).toEqual(rows.map((r) => r.id));

    // The typed client's stream yields the same chunks.
    const viaClient: unknown[] = [];
    for await (const chunk of await wick.client.liquidations.export.query(filter)) viaClient.push(chunk);
    expect(JSON.parse(JSON.stringify(viaClient))).toEqual(JSON.parse(JSON.stringify(chunks)));
  });

  it('pages liquidations with the cursor the answer carries', async () => {
    const page1 = decodeResponse((await get(queryUrl(wick.url, 'liquidations.list', { limit: 1000 }))).body);
    const data1 = (page1.ok ? page1.data : null) as { rows: { id: number }[]; nextCursor: string | null };
    expect(data1.rows).toHaveLength(1000);
    const page2 = decodeResponse((await get(queryUrl(wick.url, 'liquidations.list', { limit: 1000, cursor: data1.nextCursor }))).body);
    const data2 = (page2.ok ? page2.data : null) as { rows: { id: number }[] };
    expect(new Set([...data1.rows, ...data2.rows].map((r) => r.id)).size).toBe(2000);
    const forged = await get(queryUrl(wick.url, 'liquidations.list', { cursor: `${data1.nextCursor!.slice(0, -2)}xx` }));
    expect(forged.status).toBe(400);
  });
});

describe('answer shapes the k6 checks use', () => {
  const data = async (path: string, input?: unknown) => {
    const d = decodeResponse((await get(queryUrl(wick.url, path, input))).body);
    if (!d.ok) throw new Error(`${path}: ${d.error.message}`);
    return d.data;
  };

  it('accept what the server answers', async () => {
    expect(shape.isSymbolList(await data('symbols.list'))).toBe(true);
    expect(shape.isCatalog(await data('indicators.catalog'))).toBe(true);
    expect(shape.isIndicatorResult(await data('indicators.compute', rsi), 50)).toBe(true);
    expect(shape.isIndicatorResult(await data('indicators.compute', { ...rsi, indicator: 'macd', params: {} }), 50)).toBe(true);
    expect(shape.isBatchResult(await data('indicators.batch', { items: [rsi, { ...rsi, indicator: 'zzz' }] }), 2)).toBe(true);
    expect(shape.isCandleRange(await data('candles.range', { symbol: 'BTCUSDT', interval: '1m', limit: 20, to: T0 - MINUTE }))).toBe(true);
    const page = await data('liquidations.list', { limit: 100 });
    expect(shape.isLiquidationPage(page)).toBe(true);
    expect(shape.isLiquidationSummary(await data('liquidations.summary', { bucket: '1h', from: T0 - 3_600_000 * 3, to: T0 }))).toBe(true);
    const snap = await data('dashboard.snapshot', {
      symbol: 'BTCUSDT',
      interval: '1m',
      indicators: [{ indicator: 'rsi', params: {} }],
      limit: 30,
      to: T0 - MINUTE,
    });
    expect(shape.isSnapshot(snap)).toBe(true);
    expect((snap as { errors: unknown[] }).errors).toEqual([]);
    expect(shape.isHealth(await data('health'))).toBe(true);
    expect(shape.isHealth(JSON.parse((await get(`${wick.url}/health`)).body))).toBe(true);
    expect(shape.isCacheStats(await data('cache.stats'))).toBe(true);
  });

  it('reject what a wrong answer would look like', async () => {
    const result = (await data('indicators.compute', rsi)) as { time: number[]; values: { value: number[] } };
    expect(shape.isIndicatorResult(result, 49)).toBe(false);
    expect(shape.isIndicatorResult({ ...result, values: { value: result.values.value.slice(1) } })).toBe(false);
    expect(shape.isIndicatorResult({ ...result, cache: { status: 'warm', ageMs: 0 } })).toBe(false);
    const page = (await data('liquidations.list', { limit: 100 })) as { rows: unknown[]; nextCursor: string };
    expect(shape.isLiquidationPage({ ...page, rows: [...page.rows].reverse() })).toBe(false);
    expect(shape.isBatchResult({ items: [] }, 1)).toBe(false);
    expect(shape.countLines('a\nb\n')).toBe(2);
  });
});
