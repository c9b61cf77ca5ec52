import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  errorCode,
  fixtureCandles,
  MINUTE,
  spawnServer,
  startWick,
  T0,
  testClient,
  type ServerProcess,
  type Wick,
} from '@wick/server/testing';

let wick: Wick;
let second: ServerProcess;
beforeAll(async () => {
  wick = await startWick('ingest');
  second = await spawnServer(wick.env);
});
afterAll(async () => {
  await second?.stop();
  await wick?.close();
});

const latest = { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'sma', params: { period: 5 }, limit: 10 };

describe('candles.ingest', () => {
  it('needs an ingest key', async () => {
    const candles = fixtureCandles('BTCUSDT', 1, T0);
    const err = await wick.client.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles }).catch((e: unknown) => e);
    expect(errorCode(err)).toBe('UNAUTHORIZED');
    const wrong = testClient({ url: wick.url, apiKey: 'not-a-key' });
    const err2 = await wrong.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles }).catch((e: unknown) => e);
    expect(errorCode(err2)).toBe('UNAUTHORIZED');
  });

  it('a new candle is visible to the next compute, in this process and in a second server process', async () => {
    const remote = testClient({ url: second.url });
    const before = await wick.client.indicators.compute.query(latest);
    const beforeRemote = await remote.indicators.compute.query(latest);
    expect((await wick.client.indicators.compute.query(latest)).cache.status).toBe('hit');
    expect(beforeRemote.values).toEqual(before.values);

    const next = { time: T0, open: 50_000, high: 50_100, low: 49_900, close: 50_000, volume: 12 };
    const answer = await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [next] });
    expect(answer.received).toBe(1);

    for (const client of [wick.client, remote]) {
      const after = await client.indicators.compute.query(latest);
      // Append-aware: the first reader advances the cached result by the new candle; the second process finds it.
      expect(after.cache.status).toBe('hit');
      expect(after.time.at(-1)).toBe(T0);
      const closes = (await client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 5 })).candles.close;
      expect(after.values.value!.at(-1)).toBeCloseTo(closes.reduce((a, b) => a + b, 0) / 5, 9);
      expect(closes.at(-1)).toBe(50_000);
    }
  });

  it('re-ingesting the same candle changes nothing; a correction replaces it', async () => {
    const fixed = { time: T0, open: 50_000, high: 50_100, low: 49_900, close: 50_050, volume: 13 };
    await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [fixed] });
    await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [fixed] });
    const r = await wick.client.candles.range.query({ symbol: 'BTCUSDT', interval: '1m', limit: 2 });
    expect(r.candles.time).toEqual([T0 - MINUTE, T0]);
    expect(r.candles.close.at(-1)).toBe(50_050);
  });

  it('rejects inconsistent candles and unknown symbols', async () => {
    const bad = { time: T0 + MINUTE, open: 10, high: 5, low: 1, close: 4, volume: 1 };
    const err = await wick.ingest.candles.ingest.mutate({ symbol: 'BTCUSDT', interval: '1m', candles: [bad] }).catch((e: unknown) => e);
    expect(errorCode(err)).toBe('BAD_REQUEST');
    const ok = fixtureCandles('XRPUSDT', 1, T0);
    const err2 = await wick.ingest.candles.ingest.mutate({ symbol: 'XRPUSDT', interval: '1m', candles: ok }).catch((e: unknown) => e);
    expect(errorCode(err2)).toBe('NOT_FOUND');
  });
});

describe('cache admin', () => {
  it('invalidate and clear need the admin key, and work with it', async () => {
    expect(errorCode(await wick.client.cache.invalidate.mutate({ symbol: 'ETHUSDT' }).catch((e: unknown) => e))).toBe('UNAUTHORIZED');
    expect(errorCode(await wick.ingest.cache.clear.mutate().catch((e: unknown) => e))).toBe('UNAUTHORIZED');

    const q = { ...latest, symbol: 'ETHUSDT' };
    await wick.client.indicators.compute.query(q);
    expect((await wick.client.indicators.compute.query(q)).cache.status).toBe('hit');
    await wick.admin.cache.invalidate.mutate({ symbol: 'ETHUSDT', interval: '1m' });
    expect((await wick.client.indicators.compute.query(q)).cache.status).toBe('miss');
    await wick.admin.cache.invalidate.mutate({ symbol: 'ETHUSDT' });
    expect((await wick.client.indicators.compute.query(q)).cache.status).toBe('miss');

    const cleared = await wick.admin.cache.clear.mutate();
    expect(cleared.removed).toBeGreaterThan(0);
    expect((await wick.client.indicators.compute.query(q)).cache.status).toBe('miss');
    expect(ADMIN_KEY).not.toBe('');
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM lets an in-flight request finish, then the process exits 0', async () => {
    // Budget and grace far beyond the lock wait: the test is about order (finish, then exit), not time.
    const proc = await spawnServer({ ...wick.env, BUDGET_MS: '120000', SHUTDOWN_GRACE_MS: '120000' });
    const remote = testClient({ url: proc.url });
    // Hold the request inside the server for certain: its candle query waits on a table lock.
    const locker = await wick.database.pool.getConnection();
    await locker.query('LOCK TABLES candles WRITE');
    try {
      const inFlight = remote.indicators.compute.query({ ...latest, indicator: 'ema', params: { period: 77 }, limit: 2000 });
      await waitFor(async () => {
        const [rows] = await locker.query('SHOW PROCESSLIST');
        return (rows as { Info: string | null; State: string | null }[]).some(
          (r) => r.Info?.includes('candles') && /lock/i.test(r.State ?? ''),
        );
      });
      const exited = proc.stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      expect(proc.child.exitCode).toBeNull();
      await locker.query('UNLOCK TABLES');
      const result = await inFlight;
      expect(result.values.value).toHaveLength(2000);
      expect(await exited).toBe(0);
    } finally {
      await locker.query('UNLOCK TABLES');
      locker.release();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
