// Wire identity (issue 15): for the same request, the fast path answers what tRPC answers — status,
// the headers that matter, and the body byte for byte after normalising only the cache status/age —
// over every procedure it serves (symbols.list and liquidations.summary, keyed by namespace
// generations, among them), invalid inputs, unknown symbols, summaries over open ranges (never kept)
// and batches of mixed hits, misses and errors. The reference is a second server on the same database and cache with FAST_PATH=off.
// Both ways an L1 hit learns the version (FAST_PATH_L1_FRESHNESS=read|bus).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { MINUTE, startWick, T0, type Wick } from '@wick/server/testing';
import { get, liquidationEvent, metricValue, normalised, statuses, trpcPath, type Call, type RawAnswer } from './fast-path-http.ts';

const symbol = fc.constantFrom('BTCUSDT', 'ETHUSDT', 'ethusdt', 'NOPEUSDT');
const interval = fc.constantFrom('1m', '5m', '1h');
// Small pools, so that later runs meet inputs that are equal, or equal but for one field, to earlier
// ones: a stored answer served under the wrong key would show as a body that differs from tRPC's.
const window = fc.record(
  {
    limit: fc.constantFrom(1, 2, 50, 200, 0),
    to: fc.constantFrom(T0 - MINUTE, T0 - 100 * MINUTE, T0 - 1000 * MINUTE, T0 - 2500 * MINUTE),
    from: fc.constantFrom(T0 - 2900 * MINUTE, T0 - 2000 * MINUTE),
  },
  { requiredKeys: ['limit'] },
);
const params = fc.oneof(
  fc.constant({}),
  fc.record({ period: fc.constantFrom(5, 14, 20) }),
  fc.constant({ period: -3 }),
  fc.constant({ nonsense: true }),
);
const computeInput = fc
  .tuple(symbol, interval, fc.constantFrom('rsi', 'ema', 'sma', 'macd', 'bogus'), params, window)
  .map(([s, i, indicator, p, w]) => ({ symbol: s, interval: i, indicator, params: p, ...w }));
// Summaries over settled ranges (before T0, with liquidations in them), one too long for 1m buckets,
// one with from after to, and one still open (it ends an hour from now: never stored).
const OPEN_TO = Date.now() + 60 * MINUTE;
const summaryInput = fc
  .tuple(
    fc.constantFrom<string | undefined>('BTCUSDT', 'ETHUSDT', 'ethusdt', 'NOPEUSDT', undefined),
    fc.constantFrom('1m', '5m', '1h', 'bogus'),
    fc.constantFrom(
      [T0 - 120 * MINUTE, T0 - MINUTE],
      [T0 - 60 * MINUTE, T0 - 30 * MINUTE],
      [T0 - 2900 * MINUTE, T0 - MINUTE],
      [T0 - 10 * MINUTE, T0 - 20 * MINUTE],
      [OPEN_TO - 60 * MINUTE, OPEN_TO],
    ),
  )
  .map(([s, bucket, [from, to]]) => ({ ...(s === undefined ? {} : { symbol: s }), bucket, from: from!, to: to! }));
const isOpenSummary = (c: Call) => c.path === 'liquidations.summary' && (c.input as { to: number }).to === OPEN_TO;
const call: fc.Arbitrary<Call> = fc.oneof(
  { weight: 4, arbitrary: computeInput.map((input) => ({ path: 'indicators.compute', input })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(symbol, interval, window)
      .map(([s, i, w]): Call => ({ path: 'candles.range', input: { symbol: s, interval: i, ...w } })),
  },
  {
    weight: 2,
    arbitrary: fc.array(computeInput, { minLength: 0, maxLength: 3 }).map((items) => ({ path: 'indicators.batch', input: { items } })),
  },
  { weight: 1, arbitrary: fc.constant({ path: 'indicators.catalog' }) },
  { weight: 1, arbitrary: fc.constant({ path: 'symbols.list' }) },
  { weight: 3, arbitrary: summaryInput.map((input) => ({ path: 'liquidations.summary', input })) },
);
const request = fc.oneof(
  call.map((c) => ({ calls: [c], batch: false })),
  fc.array(call, { minLength: 1, maxLength: 3 }).map((calls) => ({ calls, batch: true })),
);

const FAST_PROCEDURE_PATHS = [
  'indicators.compute',
  'indicators.batch',
  'candles.range',
  'indicators.catalog',
  'symbols.list',
  'liquidations.summary',
];
const HEADERS = ['content-type', 'retry-after'] as const;
const same = (a: RawAnswer, b: RawAnswer) => {
  expect(a.status).toBe(b.status);
  for (const h of HEADERS) expect(a.headers[h]).toBe(b.headers[h]);
  expect(normalised(a.text)).toBe(normalised(b.text));
};
/** Every call of the answer succeeded (and no indicators.batch item failed): the fast path may keep it. */
const storable = (r: RawAnswer) => r.status === 200 && !r.text.includes('"ok":false');

describe.each(['read', 'bus'] as const)('fast path: wire identity with the tRPC path (L1 freshness: %s)', (mode) => {
  let fast: Wick;
  let ref: RunningServer;
  beforeAll(async () => {
    fast = await startWick(`fastpath_identity_${mode}`, { env: { FAST_PATH_L1_FRESHNESS: mode } });
    ref = await startServer(loadConfig({ ...fast.env, FAST_PATH: 'off' }));
    // Liquidations in the settled ranges the summaries ask for (the ingest bumps their namespaces).
    const events = Array.from({ length: 60 }, (_, i) =>
      liquidationEvent(i, i % 3 === 0 ? 'ETHUSDT' : 'BTCUSDT', T0 - 125 * MINUTE + i * 2 * MINUTE + i),
    );
    await fast.ingest.liquidations.ingest.mutate({ events });
  });
  afterAll(async () => {
    await ref?.close();
    await fast?.close();
  });

  it('answers every request as tRPC does, and serves repeated successful ones from stored bytes', async () => {
    let served = 0;
    let storableRuns = 0;
    let openSummaries = 0;
    const seen = new Set<string>();
    const servedPaths = new Set<string>();
    let summariesWithRows = 0;
    const errors = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ calls, batch }) => {
        const path = trpcPath(calls, batch);
        const first = await get(fast.url, path);
        const truth = await get(ref.url, path);
        same(first, truth);
        // The first answer may be stored under the version read before it (a series' first read
        // creates its generation, so that one is keyed under "no generation yet"): ask twice more.
        await get(fast.url, path);
        const again = await get(fast.url, path);
        same(again, truth);
        if (truth.status !== 200) errors.add(truth.status);
        for (const c of calls) seen.add(c.path);
        // A summary over a range that has not settled always goes to tRPC, alone or in a batch.
        const open = calls.some(isOpenSummary);
        if (open && storable(truth)) openSummaries++;
        if (storable(truth) && !open) {
          storableRuns++;
          // Served by the fast path: it carries an ETag (tRPC's answers never do), and says `hit`.
          expect(again.headers.etag).toMatch(/^W\/"/);
          expect(again.headers['content-length']).toBe(String(Buffer.byteLength(again.text)));
          expect(statuses(again.text).every((s) => s === 'hit')).toBe(true);
          served++;
          for (const c of calls) servedPaths.add(c.path);
          if (calls.some((c) => c.path === 'liquidations.summary') && /"longCount":[1-9]/.test(again.text)) summariesWithRows++;
        } else {
          expect(again.headers.etag).toBeUndefined();
        }
      }),
      { numRuns: 160, seed: 15 },
    );
    // The property must have met both kinds of request, and errors of more than one kind.
    expect(storableRuns).toBeGreaterThan(10);
    expect(served).toBe(storableRuns);
    expect(errors.size).toBeGreaterThanOrEqual(2);
    expect(openSummaries).toBeGreaterThan(0);
    expect([...seen].sort()).toEqual([...FAST_PROCEDURE_PATHS].sort());
    expect([...servedPaths].sort()).toEqual([...FAST_PROCEDURE_PATHS].sort());
    expect(summariesWithRows).toBeGreaterThan(0);
    const m = await fast.server.registry.metrics();
    expect(metricValue(m, 'wick_fast_path_requests_total', 'outcome="hit"')).toBeGreaterThanOrEqual(served);
  });

  it('a batch of stored answers of every served procedure is assembled from their bytes as tRPC would batch them', async () => {
    const calls: Call[] = [
      {
        path: 'indicators.compute',
        input: { symbol: 'BTCUSDT', interval: '1m', indicator: 'rsi', params: { period: 14 }, limit: 200, to: T0 - MINUTE },
      },
      { path: 'candles.range', input: { symbol: 'ETHUSDT', interval: '5m', limit: 50, to: T0 - 60 * MINUTE } },
      { path: 'indicators.catalog' },
      { path: 'indicators.batch', input: { items: [{ symbol: 'ETHUSDT', interval: '1m', indicator: 'ema', params: {}, limit: 100 }] } },
      { path: 'symbols.list' },
      { path: 'liquidations.summary', input: { symbol: 'BTCUSDT', bucket: '5m', from: T0 - 120 * MINUTE, to: T0 - MINUTE } },
      { path: 'liquidations.summary', input: { bucket: '1m', from: T0 - 120 * MINUTE, to: T0 - MINUTE } },
    ];
    // Stored one by one (each as a single call), then asked for together: every item comes from the store.
    for (const c of calls) for (let i = 0; i < 3; i++) await get(fast.url, trpcPath([c], false));
    const hitsBefore = metricValue(await fast.server.registry.metrics(), 'wick_fast_path_requests_total', 'outcome="hit"');
    const path = trpcPath(calls, true);
    const fromStore = await get(fast.url, path);
    const truth = await get(ref.url, path);
    same(fromStore, truth);
    expect(fromStore.status).toBe(200);
    expect(fromStore.headers.etag).toMatch(/^W\/"/);
    expect(metricValue(await fast.server.registry.metrics(), 'wick_fast_path_requests_total', 'outcome="hit"')).toBe(hitsBefore + 1);
    // The same answer gzip-encoded, chosen by Accept-Encoding, decodes to the same bytes; with the small
    // symbol list and summaries too (under GZIP_MIN_BYTES: they ride along as stored blocks).
    const large = calls.slice(0, 4);
    const largePath = trpcPath(large, true);
    const gz = await get(fast.url, largePath, { 'accept-encoding': 'gzip, deflate, br' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.wire.length).toBeLessThan(Buffer.byteLength(gz.text) / 2);
    expect(normalised(gz.text)).toBe(normalised((await get(ref.url, largePath)).text));
    const mixed = await get(fast.url, path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(mixed.headers['content-encoding']).toBe('gzip');
    expect(mixed.wire.length).toBeLessThan(Buffer.byteLength(mixed.text) / 2);
    expect(mixed.headers.etag).toBe(fromStore.headers.etag);
    expect(normalised(mixed.text)).toBe(normalised(truth.text));
  });
});
