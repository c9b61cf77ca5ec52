// "After candles.ingest returns, no reader on any process sees the old value" with the fast path on:
// process B keeps answers in its L1; every ingest goes to process A; B is read right after each.
// The same for answers keyed by a namespace generation: liquidation summaries after
// liquidations.ingest (read on A and on B), the symbol list after a retire of its namespace; and a
// summary over a range that has not settled is never answered from stored bytes.
// Both ways an L1 hit learns the version (FAST_PATH_L1_FRESHNESS): a Valkey read per hit, or the bus.
import { ensureSymbols } from '@wick/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { MINUTE, spawnServer, startWick, T0, type ServerProcess, type Wick } from '@wick/server/testing';
import { get, liquidationEvent, metricValue, normalised, statuses, trpcPath, type Call } from './fast-path-http.ts';

const SYMBOL = 'BTCUSDT';
const latestRange = trpcPath([{ path: 'candles.range', input: { symbol: SYMBOL, interval: '1m', limit: 30 } }], false);
const latestRsi = trpcPath(
  [{ path: 'indicators.compute', input: { symbol: SYMBOL, interval: '1m', indicator: 'rsi', params: {}, limit: 30 } }],
  false,
);
const both = trpcPath(
  [
    { path: 'candles.range', input: { symbol: SYMBOL, interval: '5m', limit: 10 } },
    {
      path: 'indicators.batch',
      input: { items: [{ symbol: SYMBOL, interval: '1m', indicator: 'ema', params: { period: 5 }, limit: 30 }] },
    },
  ],
  true,
);

// Liquidation summaries over one settled range: per symbol, all symbols, and in a batch with the
// symbol list and a candle range (namespace- and series-keyed answers side by side).
const FROM = T0 - 200 * MINUTE;
const TO = T0 - 100 * MINUTE;
const summaryCall = (symbol: string | undefined, bucket = '5m'): Call => ({
  path: 'liquidations.summary',
  input: { ...(symbol ? { symbol } : {}), bucket, from: FROM, to: TO },
});
const btcSummary = trpcPath([summaryCall('BTCUSDT')], false);
const ethSummary = trpcPath([summaryCall('ETHUSDT')], false);
const allSummary = trpcPath([summaryCall(undefined, '1m')], false);
const summaryBatch = trpcPath(
  [
    summaryCall('BTCUSDT', '1h'),
    { path: 'symbols.list' },
    { path: 'candles.range', input: { symbol: 'ETHUSDT', interval: '1h', limit: 5 } },
  ],
  true,
);
const symbolList = trpcPath([{ path: 'symbols.list' }], false);

type Totals = { longCount: number; shortCount: number };
const summaryOf = (text: string) => JSON.parse(text).result.data.json as { totals: Totals; cache: unknown };
const countOf = (t: Totals) => t.longCount + t.shortCount;
const metricsText = async (url: string) => (await fetch(`${url}/metrics`)).text();

describe.each(['read', 'bus'] as const)('fast path freshness across processes (L1 freshness: %s)', (mode) => {
  let a: Wick;
  let b: ServerProcess;
  let ref: RunningServer;
  beforeAll(async () => {
    a = await startWick(`fastpath_fresh_${mode}`, { env: { FAST_PATH_L1_FRESHNESS: mode } });
    b = await spawnServer(a.env);
    ref = await startServer(loadConfig({ ...a.env, FAST_PATH: 'off' }));
  });
  afterAll(async () => {
    await b?.stop();
    await ref?.close();
    await a?.close();
  });
  const servers = () => [a.url, b.url];

  it('a reader on B right after an ingest on A returns never sees the pre-ingest answer', async () => {
    let close = 42_000;
    let servedFromStore = 0;
    for (let round = 0; round < 12; round++) {
      // B has the current answers in its L1 (asked until it serves them with an ETag).
      for (const p of [latestRange, latestRsi, both]) {
        for (let i = 0; i < 4 && !(await get(b.url, p)).headers.etag; i++);
      }
      // Alternate appends (a new last candle) and corrections of the last candle (tail-only writes).
      const time = T0 + Math.floor(round / 2) * MINUTE;
      close += round % 2 === 0 ? 25 : -10;
      await a.ingest.candles.ingest.mutate({
        symbol: SYMBOL,
        interval: '1m',
        candles: [{ time, open: close, high: close + 50, low: close - 50, close, volume: 2 + round }],
      });
      const range = JSON.parse((await get(b.url, latestRange)).text).result.data.json;
      expect(range.candles.time.at(-1)).toBe(time);
      expect(range.candles.close.at(-1)).toBe(close);
      expect(range.candles.volume.at(-1)).toBe(2 + round);
      // Every answer of B equals what tRPC alone answers now, first read and stored read alike.
      for (const p of [latestRsi, both, latestRange]) {
        const truth = normalised((await get(ref.url, p)).text);
        expect(normalised((await get(b.url, p)).text)).toBe(truth);
        const again = await get(b.url, p);
        if (again.headers.etag) servedFromStore++;
        expect(normalised(again.text)).toBe(truth);
      }
    }
    // The reads after each write were mostly answered from B's store (the check is not vacuous).
    expect(servedFromStore).toBeGreaterThan(12);
    if (mode === 'bus') {
      // B was a member: every ingest waited for its ack (2 version-publishing writes per ingest at most).
      expect(metricValue(await a.server.registry.metrics(), 'wick_near_cache_acks_total')).toBeGreaterThanOrEqual(12);
      expect(metricValue(await (await fetch(`${b.url}/metrics`)).text(), 'wick_near_cache_standing')).toBe(1);
    }
  });

  it('after liquidations.ingest on A returns, summaries on A and on B never show the pre-ingest answer', async () => {
    const paths = [btcSummary, ethSummary, allSummary, summaryBatch];
    const acksBefore = metricValue(await a.server.registry.metrics(), 'wick_near_cache_acks_total');
    const counts = { BTCUSDT: 0, ETHUSDT: 0 };
    let fromStore = 0;
    let untouchedFromStore = 0;
    let n = 0;
    const ROUNDS = 10;
    for (let round = 0; round < ROUNDS; round++) {
      // Both processes have the current answers in their L1 (asked until they serve them with an ETag).
      for (const url of servers()) for (const p of paths) for (let i = 0; i < 4 && !(await get(url, p)).headers.etag; i++);
      // Reads on both that may store answers of the versions before the write, while it lands.
      const inFlight = Promise.all(servers().flatMap((url) => paths.map((p) => get(url, p))));
      // One symbol per ingest (BTC twice as often), 1–3 rows inside the range.
      const symbol = round % 3 === 2 ? 'ETHUSDT' : 'BTCUSDT';
      const events = Array.from({ length: 1 + (round % 3) }, () => {
        n++;
        return liquidationEvent(n, symbol, FROM + n * 37_000);
      });
      const { inserted } = await a.ingest.liquidations.ingest.mutate({ events });
      expect(inserted).toBe(events.length);
      counts[symbol] += inserted;
      const check = async () => {
        for (const url of servers()) {
          expect(countOf(summaryOf((await get(url, btcSummary)).text).totals)).toBe(counts.BTCUSDT);
          expect(countOf(summaryOf((await get(url, ethSummary)).text).totals)).toBe(counts.ETHUSDT);
          expect(countOf(summaryOf((await get(url, allSummary)).text).totals)).toBe(counts.BTCUSDT + counts.ETHUSDT);
          // Every answer equals what tRPC alone answers now, first read and stored read alike.
          for (const p of paths) {
            const truth = normalised((await get(ref.url, p)).text);
            expect(normalised((await get(url, p)).text)).toBe(truth);
            const again = await get(url, p);
            if (again.headers.etag) fromStore++;
            expect(normalised(again.text)).toBe(truth);
          }
        }
      };
      await check();
      await inFlight;
      // Whatever those stored late, both still answer the post-ingest summaries.
      await check();
      // An ETH-only ingest leaves BTC's namespace alone: B still answers BTC's summary from its store.
      if (symbol === 'ETHUSDT' && (await get(b.url, btcSummary)).headers.etag) untouchedFromStore++;
    }
    expect(fromStore).toBeGreaterThan(ROUNDS * 4);
    expect(untouchedFromStore).toBeGreaterThan(0);
    if (mode === 'bus') {
      // B acked every ingest's announcements (the symbol's namespace and ALL's, at least one per ingest).
      const acks = metricValue(await a.server.registry.metrics(), 'wick_near_cache_acks_total') - acksBefore;
      expect(acks).toBeGreaterThanOrEqual(ROUNDS);
      expect(metricValue(await metricsText(b.url), 'wick_near_cache_standing')).toBe(1);
    }
  });

  it('a summary over a range that has not settled is never answered from stored bytes, alone or in a batch', async () => {
    const now = Date.now();
    const open: Call = {
      path: 'liquidations.summary',
      input: { symbol: 'BTCUSDT', bucket: '1m', from: now - 30 * MINUTE, to: now + 30 * MINUTE },
    };
    const alone = trpcPath([open], false);
    const batched = trpcPath([open, { path: 'symbols.list' }], true);
    const outcomes = async (url: string) => {
      const m = await metricsText(url);
      return ['hit', 'not_modified', 'miss', 'stored', 'pass'].map((o) =>
        metricValue(m, 'wick_fast_path_requests_total', `outcome="${o}"`),
      );
    };
    const before = await Promise.all(servers().map(outcomes));
    let inRange = 0;
    for (let i = 0; i < 6; i++) {
      // A row inside the open range now and then: each read shows every row ingested so far.
      if (i % 2 === 1) {
        inRange++;
        await a.ingest.liquidations.ingest.mutate({ events: [liquidationEvent(10_000 + i, 'BTCUSDT', now - 20 * MINUTE + i)] });
      }
      for (const url of servers()) {
        for (const p of [alone, batched]) {
          const r = await get(url, p, { 'if-none-match': '*' });
          expect(r.status).toBe(200);
          expect(r.headers.etag).toBeUndefined();
          // tRPC's own answer (it may be a Valkey hit: the summary is cached for the recent TTL).
          expect(statuses(r.text).length).toBe(p === alone ? 1 : 2);
          expect(countOf(summaryOf(p === alone ? r.text : JSON.stringify(JSON.parse(r.text)[0])).totals)).toBe(inRange);
        }
      }
    }
    const after = await Promise.all(servers().map(outcomes));
    for (let s = 0; s < 2; s++) {
      const [hit, notModified, miss, stored, pass] = after[s]!.map((v, k) => v - before[s]![k]!);
      expect({ hit, notModified, miss, stored }).toEqual({ hit: 0, notModified: 0, miss: 0, stored: 0 });
      expect(pass).toBe(12);
    }
  });

  it('after the symbol namespace is retired on A (a symbol added behind Wick), symbols.list on A and B lists it', async () => {
    for (const url of servers()) for (let i = 0; i < 4 && !(await get(url, symbolList)).headers.etag; i++);
    for (const url of servers()) expect((await get(url, symbolList)).headers.etag).toBeDefined();
    const name = `NS${mode.toUpperCase()}USDT`;
    await ensureSymbols(a.database, [{ name, base: name.replace('USDT', ''), quote: 'USDT' }]);
    // What db:seed / db:import do after writing (data-retire.ts): bump the namespace, then return.
    await a.server.cache.invalidateNamespace('symbols');
    for (const url of servers()) {
      for (let i = 0; i < 3; i++) {
        const names = (JSON.parse((await get(url, symbolList)).text).result.data.json.symbols as { name: string }[]).map((s) => s.name);
        expect(names).toContain(name);
      }
    }
    for (const url of servers()) expect((await get(url, symbolList)).headers.etag).toBeDefined();
  });
});
