// "After candles.ingest returns, no reader on any process sees the old value" with the fast path on:
// process B keeps answers in its L1; every ingest goes to process A; B is read right after each.
// Both ways an L1 hit learns the version (FAST_PATH_L1_FRESHNESS): a Valkey read per hit, or the bus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { MINUTE, spawnServer, startWick, T0, type ServerProcess, type Wick } from '@wick/server/testing';
import { get, metricValue, normalised, trpcPath } from './fast-path-http.ts';

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
});
