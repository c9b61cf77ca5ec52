// The fast path's HTTP conventions (ETag/304, gzip, Cache-Control, Vary), the client decoding its
// answers, and the L1's byte bound and its switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEY, MINUTE, startWick, T0, testClient, type Wick } from '@wick/server/testing';
import { get, metricValue, normalised, statuses, trpcPath } from './fast-path-http.ts';

let wick: Wick;
beforeAll(async () => {
  wick = await startWick('fastpath_http');
});
afterAll(() => wick?.close());

const compute = (to: number, limit = 500) => ({
  path: 'indicators.compute',
  input: { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 14 }, limit, to },
});
/** Asks until the fast path serves it (a series' first read creates its generation: that answer is keyed under none). */
async function stored(base: string, path: string) {
  for (let i = 0; i < 5; i++) {
    const r = await get(base, path);
    if (r.headers.etag) return r;
  }
  throw new Error(`never served from the store: ${path}`);
}

describe('fast path over HTTP', () => {
  it('ETag + If-None-Match → 304 without a body; a write moves the ETag; Cache-Control and Vary', async () => {
    const path = trpcPath([{ path: 'candles.range', input: { symbol: 'ETHUSDT', interval: '1m', limit: 20 } }], false);
    const full = await stored(wick.url, path);
    expect(full.status).toBe(200);
    expect(full.headers['cache-control']).toBe('no-cache');
    expect(full.headers.vary).toBe('trpc-accept, accept, accept-encoding');
    expect(full.headers['content-type']).toBe('application/json');
    const etag = full.headers.etag!;
    const revalidated = await get(wick.url, path, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.wire.length).toBe(0);
    expect(revalidated.headers.etag).toBe(etag);
    // A list with another tag, and the strong form of ours, match too (weak comparison).
    expect((await get(wick.url, path, { 'if-none-match': `"other", ${etag.slice(2)}` })).status).toBe(304);
    expect((await get(wick.url, path, { 'if-none-match': '"other"' })).status).toBe(200);

    // A tail write after the last candle: the same request now names a newer version.
    const last = JSON.parse(full.text).result.data.json.candles;
    const close = last.close[last.close.length - 1] as number;
    const t = (last.time[last.time.length - 1] as number) + MINUTE;
    await testClient({ url: wick.url, apiKey: INGEST_KEY }).candles.ingest.mutate({
      symbol: 'ETHUSDT',
      interval: '1m',
      candles: [{ time: t, open: close, high: close + 1, low: close - 1, close: close + 0.5, volume: 1 }],
    });
    const after = await get(wick.url, path, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    const candles = JSON.parse(after.text).result.data.json.candles;
    expect(candles.time[candles.time.length - 1]).toBe(t);
    const next = await stored(wick.url, path);
    expect(next.headers.etag).not.toBe(etag);
  });

  it('gzip when accepted (not with q=0), decoding to the identity answer; small answers stay plain', async () => {
    const path = trpcPath([compute(T0 - 10 * MINUTE)], false);
    const plain = await stored(wick.url, path);
    const gz = await get(wick.url, path, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gz.wire.length);
    expect(gz.wire.length).toBeLessThan(plain.wire.length / 2);
    expect(normalised(gz.text)).toBe(normalised(plain.text));
    expect(statuses(gz.text)).toEqual(['hit']);
    const refused = await get(wick.url, path, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const tiny = trpcPath([compute(T0 - 10 * MINUTE, 1)], false);
    await stored(wick.url, tiny);
    expect((await get(wick.url, tiny, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
  });

  it('the tRPC client decodes fast-path answers (single and batched) to what tRPC answers', async () => {
    const input = { symbol: 'ETHUSDT', interval: '5m' as const, indicator: 'macd', params: {}, limit: 300, to: T0 - 500 * MINUTE };
    const first = await wick.client.indicators.compute.query(input);
    expect(first.cache.status).toBe('miss');
    await stored(wick.url, trpcPath([{ path: 'indicators.compute', input }], false));
    const hitsBefore = metricValue(await wick.server.registry.metrics(), 'wick_fast_path_requests_total', 'outcome="hit"');
    // Two queries in one tick: the client batches them into one ?batch=1 request.
    const [again, catalog] = await Promise.all([wick.client.indicators.compute.query(input), wick.client.indicators.catalog.query()]);
    const [, catalogAgain] = await Promise.all([wick.client.indicators.compute.query(input), wick.client.indicators.catalog.query()]);
    expect(again.cache.status).toBe('hit');
    expect({ ...again, cache: null }).toEqual({ ...first, cache: null });
    expect(catalogAgain).toEqual(catalog);
    expect(metricValue(await wick.server.registry.metrics(), 'wick_fast_path_requests_total', 'outcome="hit"')).toBeGreaterThan(hitsBefore);
  });

  it('after cache.clear (or invalidate) a stored answer is never served: the next answer is computed anew', async () => {
    const path = trpcPath([compute(T0 - 25 * MINUTE)], false);
    // Twice: after a clear the series has no generation until its first read, and that state recurs.
    for (let i = 0; i < 2; i++) {
      await stored(wick.url, path);
      await wick.admin.cache.clear.mutate();
      const afterClear = await get(wick.url, path);
      expect(afterClear.headers.etag).toBeUndefined();
      expect(statuses(afterClear.text)).toEqual(['miss']);
    }
    await stored(wick.url, path);
    await wick.admin.cache.invalidate.mutate({ symbol: 'BTCUSDT', interval: '1m' });
    const afterInvalidate = await get(wick.url, path);
    expect(afterInvalidate.headers.etag).toBeUndefined();
    expect(statuses(afterInvalidate.text)).toEqual(['miss']);
  });

  it('a hit counts as a cache hit and a request of its procedure in the metrics', async () => {
    const path = trpcPath([compute(T0 - 20 * MINUTE)], false);
    await stored(wick.url, path);
    const before = await wick.server.registry.metrics();
    await get(wick.url, path);
    const after = await wick.server.registry.metrics();
    const hits = (m: string) => metricValue(m, 'wick_cache_lookups_total', 'status="hit"');
    const count = (m: string) => metricValue(m, 'wick_request_duration_seconds_count', 'procedure="indicators.compute",outcome="ok"');
    expect(hits(after) - hits(before)).toBe(1);
    expect(count(after) - count(before)).toBe(1);
  });
});

describe('the L1 bound and switch', () => {
  let small: Wick;
  let off: Wick;
  beforeAll(async () => {
    small = await startWick('fastpath_l1small', { env: { L1_MAX_BYTES: String(64 * 1024) } });
    off = await startWick('fastpath_l1off', { env: { FAST_PATH_L1: 'off' } });
  });
  afterAll(async () => {
    await small?.close();
    await off?.close();
  });

  it('stays under L1_MAX_BYTES, evicting least recently used answers (counted)', async () => {
    const paths = Array.from({ length: 10 }, (_, i) => trpcPath([compute(T0 - (30 + i) * MINUTE)], false));
    for (const p of paths) await stored(small.url, p);
    const m = await small.server.registry.metrics();
    const bytes = metricValue(m, 'wick_fast_path_l1_bytes');
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
    const entries = metricValue(m, 'wick_fast_path_l1_entries');
    expect(entries).toBeGreaterThanOrEqual(1);
    expect(entries).toBeLessThan(10);
    expect(metricValue(m, 'wick_fast_path_l1_evictions_total')).toBeGreaterThanOrEqual(10 - entries);
    // The newest is still there; the oldest was evicted, so it goes to tRPC again.
    expect((await get(small.url, paths[9]!)).headers.etag).toBeDefined();
    expect((await get(small.url, paths[0]!)).headers.etag).toBeUndefined();
  });

  it('FAST_PATH_L1=off keeps nothing: every answer comes from tRPC, still right', async () => {
    const path = trpcPath([compute(T0 - 40 * MINUTE)], false);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await get(off.url, path));
    for (const a of answers) expect(a.headers.etag).toBeUndefined();
    expect(statuses(answers[2]!.text)).toEqual(['hit']);
    expect(normalised(answers[2]!.text)).toBe(normalised(answers[0]!.text));
    const m = await off.server.registry.metrics();
    expect(metricValue(m, 'wick_fast_path_requests_total', 'outcome="hit"')).toBe(0);
    expect(metricValue(m, 'wick_fast_path_l1_bytes')).toBe(0);
  });
});
