import { randomWalk } from '@wick/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheAbortError, CacheConfigError, candleCodec, jsonCodec, type WickCache } from '../src/index.ts';
import { deferred, sharedCache } from './helpers.ts';

let cache: WickCache;
beforeAll(async () => {
  cache = await sharedCache();
  expect(cache.breakerState).toBe('closed');
});
afterAll(async () => {
  await cache.clear();
  await cache.close();
});

const series = { symbol: 'BTCUSDT', interval: '1m' } as const;

describe('getOrLoad against the real cluster', () => {
  it('miss then hit, value round-trips through Valkey', async () => {
    const key = { kind: 'candles', series, window: 'a' } as const;
    const data = randomWalk(500, { seed: 7 });
    let calls = 0;
    const load = async () => {
      calls++;
      return data;
    };
    const first = await cache.getOrLoad(key, load, { codec: candleCodec, ttlSeconds: 60 });
    expect(first.status).toBe('miss');
    expect(first.ageMs).toBe(0);
    const second = await cache.getOrLoad(key, load, { codec: candleCodec, ttlSeconds: 60 });
    expect(second.status).toBe('hit');
    expect(calls).toBe(1);
    expect(second.value).not.toBe(data);
    expect(Array.from(second.value.close)).toEqual(Array.from(data.close));
    expect(second.ageMs).toBeGreaterThanOrEqual(0);
  });

  it('single-flight: 1,000 concurrent cold callers in one process → one loader call, same value', async () => {
    const key = { kind: 'global', namespace: 'sf', id: 'one' } as const;
    const gate = deferred();
    let calls = 0;
    const load = async () => {
      calls++;
      await gate.promise;
      return { n: 42 };
    };
    const all = Array.from({ length: 1000 }, () => cache.getOrLoad(key, load, { codec: jsonCodec<{ n: number }>(), ttlSeconds: 60 }));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    const results = await Promise.all(all);
    expect(calls).toBe(1);
    for (const r of results) expect(r.value).toEqual({ n: 42 });
    // Joiners get their own decoded copy, so one caller mutating (or transferring) cannot hurt another.
    expect(results[1]!.value).not.toBe(results[2]!.value);
  });

  it('an abort signal stops only that caller; the shared load still fills the cache', async () => {
    const key = { kind: 'global', namespace: 'abort', id: 'x' } as const;
    const gate = deferred();
    let calls = 0;
    const load = async () => {
      calls++;
      await gate.promise;
      return 3;
    };
    const ac = new AbortController();
    const aborted = cache.getOrLoad(key, load, { codec: jsonCodec<number>(), ttlSeconds: 60, signal: ac.signal });
    const other = cache.getOrLoad(key, load, { codec: jsonCodec<number>(), ttlSeconds: 60 });
    ac.abort();
    await expect(aborted).rejects.toBeInstanceOf(CacheAbortError);
    gate.resolve();
    expect((await other).value).toBe(3);
    expect(calls).toBe(1);
    expect((await cache.getOrLoad(key, load, { codec: jsonCodec<number>(), ttlSeconds: 60 })).status).toBe('hit');
    await expect(
      cache.getOrLoad(key, load, { codec: jsonCodec<number>(), ttlSeconds: 60, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CacheAbortError);
  });

  it('rejects bad options with a named error', async () => {
    const key = { kind: 'global', namespace: 'bad', id: 'x' } as const;
    await expect(cache.getOrLoad(key, async () => 1, { codec: jsonCodec<number>(), ttlSeconds: 0 })).rejects.toBeInstanceOf(
      CacheConfigError,
    );
    await expect(cache.getOrLoad({ ...key, id: '' }, async () => 1, { codec: jsonCodec<number>(), ttlSeconds: 5 })).rejects.toBeInstanceOf(
      CacheConfigError,
    );
  });

  it('a loader error reaches every caller and is not cached', async () => {
    const key = { kind: 'global', namespace: 'err', id: 'x' } as const;
    let calls = 0;
    const failing = async (): Promise<number> => {
      calls++;
      throw new Error('db down');
    };
    const rs = await Promise.allSettled([1, 2, 3].map(() => cache.getOrLoad(key, failing, { codec: jsonCodec<number>(), ttlSeconds: 60 })));
    expect(rs.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    const ok = await cache.getOrLoad(key, async () => 7, { codec: jsonCodec<number>(), ttlSeconds: 60 });
    expect(ok).toMatchObject({ value: 7, status: 'miss' });
  });
});
