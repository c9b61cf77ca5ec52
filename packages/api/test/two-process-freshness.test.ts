import { getCandles } from '@wick/db';
import { Prng } from '@wick/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEY, startApiHarness, VALKEY_NODES, type ApiHarness } from './support/api-harness.ts';
import { expectSameResult, freshLatest } from './support/fresh-compute.ts';
import { lastMinuteCandle, nextCandle, openCandleUpdate } from './support/live-writes.ts';
import { startReaderProcess, type ReaderProcess } from './support/reader-process-client.ts';

let api: ApiHarness;
let reader: ReaderProcess;

beforeAll(async () => {
  api = await startApiHarness('two_process');
  reader = await startReaderProcess({ databaseUrl: api.databaseUrl, cachePrefix: api.cachePrefix, valkeyNodes: VALKEY_NODES });
});
afterAll(async () => {
  await reader?.close();
  await api?.close();
});

const ITERATIONS = 60;

describe('after candles.ingest returns, no reader on any process gets a result without the write', () => {
  it('a reader in another process, started right after each ingest, sees it in candles.range and indicators.compute (append-aware)', async () => {
    const symbol = 'BTCUSDT';
    const reads = {
      candles: { symbol, interval: '1m' as const, limit: 100 },
      indicator: { symbol, interval: '1m' as const, indicator: 'rsi', params: { period: 14 }, limit: 100 },
    };
    const hourly = { symbol, interval: '1h' as const, limit: 10 };
    await reader.read(reads);
    // The other process keeps reading the same keys meanwhile: flights of its own are often in the air.
    await reader.hammer(reads);
    const prng = new Prng(23);
    const statuses: string[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const last = await lastMinuteCandle(api.database, symbol);
      const written = i % 4 === 3 ? nextCandle(last, prng) : openCandleUpdate(last, prng);
      await api.caller({ apiKey: INGEST_KEY }).candles.ingest({ symbol, interval: '1m', candles: [written] });

      const [remote, local, localHourly] = await Promise.all([
        reader.read(reads),
        api.caller().candles.range(reads.candles),
        api.caller().candles.range(hourly),
      ]);
      for (const [where, answer] of [
        ['other process', remote.candles],
        ['this process', local],
      ] as const) {
        expect([answer.candles.time.at(-1), answer.candles.close.at(-1), answer.candles.volume.at(-1)], `${where}, write ${i}`).toEqual([
          written.time,
          written.close,
          written.volume,
        ]);
      }
      const hourBucket = await getCandles(api.database, { symbol, interval: '1h', limit: 1, newest: true });
      expect(localHourly.candles.close.at(-1), `1h roll-up, write ${i}`).toBe(hourBucket.close[0]);
      expect(remote.indicator.time.at(-1), `other process, write ${i}`).toBe(written.time);
      expectSameResult(remote.indicator, await freshLatest(api.database, reads.indicator), `rsi in the other process, write ${i}`);
      statuses.push(remote.candles.cache.status, remote.indicator.cache.status);
    }
    const stats = await reader.stats();
    // The reads went through the cache and were advanced there, not recomputed each time.
    expect(stats.advanced).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 'hit').length).toBeGreaterThan(0);
  });
});
