import { GlideClusterClient, TimeUnit } from '@valkey/valkey-glide';
import { randomWalk } from '@wick/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  candleCodec,
  createCache,
  createWarmer,
  isWindowClosed,
  jsonCodec,
  seriesCodec,
  type RateLimitResult,
  type WickCache,
} from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { deferred, eventually, SHARED_NODES, testPrefix } from './helpers.ts';

const prefix = testPrefix('proto');
const registry = new Registry();
let cache: WickCache;
let raw: GlideClusterClient;
const kb = new KeyBuilder(prefix);

beforeAll(async () => {
  cache = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500, registry, lockMs: 400, lockWaitMs: 3000 });
  raw = await GlideClusterClient.createClient({ addresses: SHARED_NODES });
});
afterAll(async () => {
  await cache.clear();
  raw.close();
  await cache.close();
});

const btc = { symbol: 'BTCUSDT', interval: '1m' } as const;
const eth = { symbol: 'ETHUSDT', interval: '1m' } as const;
const num = jsonCodec<number>();

function valueKeyOf(key: Parameters<KeyBuilder['resolve']>[0]): string {
  return kb.resolve(key).valueKey;
}

describe('invalidation by generation', () => {
  it('the next read misses and loads fresh; other series keep their entries', async () => {
    const kb1 = { kind: 'candles', series: btc, window: 'inv' } as const;
    const ke1 = { kind: 'candles', series: eth, window: 'inv' } as const;
    let v = 1;
    const load = async () => v;
    expect((await cache.getOrLoad(kb1, load, { codec: num, ttlSeconds: 60 })).status).toBe('miss');
    expect((await cache.getOrLoad(ke1, load, { codec: num, ttlSeconds: 60 })).status).toBe('miss');
    expect((await cache.getOrLoad(kb1, load, { codec: num, ttlSeconds: 60 })).status).toBe('hit');
    v = 2;
    await cache.invalidateSeries(btc);
    expect(await cache.getOrLoad(kb1, load, { codec: num, ttlSeconds: 60 })).toMatchObject({ status: 'miss', value: 2 });
    expect(await cache.getOrLoad(ke1, load, { codec: num, ttlSeconds: 60 })).toMatchObject({ status: 'hit', value: 1 });
  });

  it('invalidateSymbol bumps every interval of that symbol only', async () => {
    const load = async () => 1;
    const keys = (['1m', '1h', '1d'] as const).map(
      (interval) => ({ kind: 'candles', series: { symbol: 'SOLUSDT', interval }, window: 's' }) as const,
    );
    const other = { kind: 'candles', series: { symbol: 'SOLUSDC', interval: '1m' }, window: 's' } as const;
    for (const k of [...keys, other]) await cache.getOrLoad(k, load, { codec: num, ttlSeconds: 60 });
    await cache.invalidateSymbol('SOLUSDT');
    for (const k of keys) expect((await cache.getOrLoad(k, load, { codec: num, ttlSeconds: 60 })).status).toBe('miss');
    expect((await cache.getOrLoad(other, load, { codec: num, ttlSeconds: 60 })).status).toBe('hit');
  });

  it('concurrent readers never see a value older than the bump once the bump has returned', async () => {
    const key = { kind: 'indicator', series: btc, indicator: 'rsi', params: '{}', window: 'race' } as const;
    let version = 0; // "the database": the loader returns the version current when it started
    const load = async () => {
      const v = version;
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      return v;
    };
    let stop = false;
    let violations = 0;
    let reads = 0;
    let bumpedTo = 0; // highest version whose bump has returned
    const reader = async () => {
      while (!stop) {
        const floor = bumpedTo;
        const r = await cache.getOrLoad(key, load, { codec: num, ttlSeconds: 60 });
        reads++;
        if (r.value < floor) violations++;
      }
    };
    const readers = Array.from({ length: 16 }, reader);
    for (let i = 1; i <= 40; i++) {
      version = i; // ingest writes the DB …
      await cache.invalidateSeries(btc); // … then bumps
      bumpedTo = i;
      await new Promise((r) => setTimeout(r, 5));
    }
    stop = true;
    await Promise.all(readers);
    expect(reads).toBeGreaterThan(100);
    expect(violations).toBe(0);
    expect((await cache.getOrLoad(key, load, { codec: num, ttlSeconds: 60 })).value).toBe(40);
  });

  it('a load that started before a bump is not stored for readers after it', async () => {
    const key = { kind: 'candles', series: { symbol: 'SLOWLOAD', interval: '1m' }, window: 'w' } as const;
    const loading = deferred();
    const release = deferred<number>();
    const slowLoad = () => {
      loading.resolve();
      return release.promise;
    };
    const slow = cache.getOrLoad(key, slowLoad, { codec: num, ttlSeconds: 60 });
    await loading.promise;
    await cache.invalidateSeries(key.series); // ingest happened while the old data was being loaded
    release.resolve(1);
    expect((await slow).value).toBe(1); // its own caller still gets what it loaded …
    expect(await cache.getOrLoad(key, async () => 2, { codec: num, ttlSeconds: 60 })).toMatchObject({ status: 'miss', value: 2 }); // … nobody else does
  });

  it('a lost generation key never sends readers back to older entries', async () => {
    const key = { kind: 'candles', series: { symbol: 'GENLOSS', interval: '5m' }, window: 'w' } as const;
    await cache.getOrLoad(key, async () => 1, { codec: num, ttlSeconds: 60 });
    await cache.invalidateSeries(key.series);
    await cache.getOrLoad(key, async () => 2, { codec: num, ttlSeconds: 60 });
    await raw.del([kb.resolve(key).genKey]); // as if evicted by allkeys-lru
    expect(await cache.getOrLoad(key, async () => 3, { codec: num, ttlSeconds: 60 })).toMatchObject({ status: 'miss', value: 3 });
  });
});

describe('fill lock', () => {
  it('waiters fall back to loading themselves only once the lock holder is dead (lock expired)', async () => {
    const key = { kind: 'candles', series: btc, window: 'deadholder' } as const;
    // A "holder" in another process took the lock and died: nobody releases it; it expires after 400 ms.
    const rk = kb.resolve(key);
    await raw.set(rk.lockKey, 'dead-process', { expiry: { type: TimeUnit.Milliseconds, count: 400 } });
    let calls = 0;
    let lockWhileLoading: unknown = 'not loaded';
    const before = await cache.stats();
    const r = await cache.getOrLoad(
      key,
      async () => {
        lockWhileLoading = await raw.get(rk.lockKey);
        return ++calls;
      },
      { codec: num, ttlSeconds: 60 },
    );
    expect(r).toMatchObject({ status: 'miss', value: 1 });
    expect(calls).toBe(1);
    // It loaded only after the dead holder's lock had expired, holding the lock itself (a token of
    // ours, not the dead one's), and it got there by taking the lock, not by giving up waiting.
    expect(lockWhileLoading).not.toBeNull();
    expect(lockWhileLoading).not.toBe('dead-process');
    const after = await cache.stats();
    expect(after.lockWaits).toBe(before.lockWaits + 1);
    expect(after.lockTimeouts).toBe(before.lockTimeouts);
    expect(await raw.get(rk.lockKey)).toBeNull(); // released by token
  });

  it('a waiter reads the holder’s value instead of loading', async () => {
    const key = { kind: 'candles', series: btc, window: 'liveholder' } as const;
    const rk = kb.resolve(key);
    await raw.set(rk.lockKey, 'other-process', { expiry: { type: TimeUnit.Milliseconds, count: 2000 } });
    const other = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500 });
    const waitsBefore = (await cache.stats()).lockWaits;
    let calls = 0;
    const waiter = cache.getOrLoad(key, async () => ++calls, { codec: num, ttlSeconds: 60 });
    // Once the waiter is seen waiting on the lock, the other process finishes its load and writes.
    await eventually(async () => (await cache.stats()).lockWaits > waitsBefore, 100, 10);
    await other.refresh(key, async () => 77, { codec: num, ttlSeconds: 60 });
    expect(await waiter).toMatchObject({ status: 'hit', value: 77 });
    expect(calls).toBe(0);
    await other.close();
  });
});

describe('stale-while-revalidate', () => {
  it('an expired value within grace is returned at once, marked stale, while one caller refreshes it', async () => {
    const key = { kind: 'global', namespace: 'swr', id: 'summary' } as const;
    let v = 1;
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 50));
      return v;
    };
    const opts = { codec: num, ttlSeconds: 1, staleSeconds: 30 };
    await cache.getOrLoad(key, load, opts);
    v = 2;
    await new Promise((r) => setTimeout(r, 1100));
    const rs = await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad(key, load, opts)));
    expect(rs.every((r) => r.status === 'stale' && r.value === 1)).toBe(true);
    // A stale answer reports an age beyond its fresh lifetime (that is what made it stale).
    expect(rs[0]!.ageMs).toBeGreaterThan(opts.ttlSeconds * 1000);
    // Reads while the refresh runs join it; once it has landed they hit the new value.
    await eventually(async () => (await cache.getOrLoad(key, load, opts)).status === 'hit', 200);
    expect(calls).toBe(2); // one background refresh for 20 stale readers and every poll
    expect(await cache.getOrLoad(key, load, opts)).toMatchObject({ status: 'hit', value: 2 });
    // Without staleSeconds an expired-but-present value is a miss, never served.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cache.getOrLoad(key, load, { codec: num, ttlSeconds: 1 })).toMatchObject({ status: 'miss' });
  });
});

describe('TTLs and the open candle', () => {
  it('stores with the TTL of the table: recent windows short, closed windows long', async () => {
    const now = Date.now();
    const closedTo = now - 3 * 3_600_000;
    const openTo = now;
    expect(isWindowClosed('1h', closedTo, now)).toBe(true);
    expect(isWindowClosed('1h', openTo, now)).toBe(false);
    const series = { symbol: 'TTLUSDT', interval: '1h' } as const;
    const kc = { kind: 'candles', series, window: `0-${closedTo}-100` } as const;
    const ko = { kind: 'candles', series, window: `0-${openTo}-100` } as const;
    const three = randomWalk(3, { interval: '1h' });
    await cache.getOrLoad(kc, async () => three, { codec: candleCodec, ttlSeconds: cache.ttlFor('1h', { toMs: closedTo }) });
    await cache.getOrLoad(ko, async () => three, { codec: candleCodec, ttlSeconds: cache.ttlFor('1h', { toMs: openTo }) });
    const pttlClosed = await raw.pttl(valueKeyOf(kc));
    const pttlOpen = await raw.pttl(valueKeyOf(ko));
    // Closed: the historical TTL (12 h), which no recent entry (15 s) could ever show.
    expect(pttlClosed).toBeGreaterThan(cache.ttlTable['1h'].recent * 1000);
    expect(pttlClosed).toBeLessThanOrEqual(cache.ttlTable['1h'].historical * 1000);
    expect(pttlOpen).toBeGreaterThan(0);
    expect(pttlOpen).toBeLessThanOrEqual(cache.ttlTable['1h'].recent * 1000);
  });
});

describe('hostile keys in the cluster', () => {
  it('hostile symbol strings stay inside the prefix and their own series', async () => {
    const hostile = ['}{', 'BTC:1m}:gen', 'a b c', `${'z'.repeat(10_240)}`, '*', '{BTCUSDT:1m}'];
    for (const [i, symbol] of hostile.entries()) {
      const k = { kind: 'candles', series: { symbol, interval: '1m' }, window: `{${i}} :x` } as const;
      expect((await cache.getOrLoad(k, async () => i, { codec: num, ttlSeconds: 60 })).value).toBe(i);
      expect((await cache.getOrLoad(k, async () => -1, { codec: num, ttlSeconds: 60 })).value).toBe(i);
    }
    // '{BTCUSDT:1m}' as a symbol is not the BTCUSDT series: bumping it leaves BTCUSDT alone, and vice versa.
    const real = { kind: 'candles', series: btc, window: 'hostile-check' } as const;
    await cache.getOrLoad(real, async () => 5, { codec: num, ttlSeconds: 60 });
    await cache.invalidateSeries({ symbol: '{BTCUSDT:1m}', interval: '1m' });
    expect((await cache.getOrLoad(real, async () => 6, { codec: num, ttlSeconds: 60 })).status).toBe('hit');
  });
});

describe('rate limit', () => {
  it('sliding window in one script', async () => {
    const id = `client-${Math.random()}`;
    const rs: RateLimitResult[] = [];
    for (let i = 0; i < 5; i++) rs.push(await cache.rateLimit(id, 3, 500));
    expect(rs.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(rs.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(rs[3]!.retryAfterMs).toBeGreaterThan(0);
    expect(rs[3]!.retryAfterMs).toBeLessThanOrEqual(500);
    await new Promise((r) => setTimeout(r, rs[4]!.retryAfterMs + 20));
    expect((await cache.rateLimit(id, 3, 500)).allowed).toBe(true);
  });
});

describe('health, stats, metrics, clear, warmer', () => {
  it('health lists 6 nodes, 3 primaries, all ok', async () => {
    const h = await cache.health();
    expect(h.ok).toBe(true);
    expect(h.nodes.length).toBe(6);
    expect(h.nodes.filter((n) => n.role === 'primary').length).toBe(3);
    expect(h.nodes.every((n) => n.ok && n.latencyMs >= 0)).toBe(true);
  });

  it('stats and Prometheus metrics count what happened', async () => {
    const key = { kind: 'global', namespace: 'stats', id: 'x' } as const;
    const before = await cache.stats();
    await cache.getOrLoad(key, async () => 1, { codec: num, ttlSeconds: 60 });
    await cache.getOrLoad(key, async () => 1, { codec: num, ttlSeconds: 60 });
    const s = await cache.stats();
    expect(s.misses).toBe(before.misses + 1);
    expect(s.hits).toBe(before.hits + 1);
    expect(s.loaderCalls).toBe(before.loaderCalls + 1);
    expect(s.breaker).toBe('closed');
    expect(s.latencyMs.count).toBeGreaterThan(0);
    expect(s.latencyMs.p99).toBeGreaterThanOrEqual(s.latencyMs.p50);
    expect(s.nodes.length).toBe(6);
    expect(s.nodes.every((n) => n.usedMemory > 0 && n.evictedKeys >= 0 && n.keys >= 0)).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/wick_cache_events_total\{event="hit"\} \d+/);
    expect(text).toMatch(/wick_cache_valkey_call_seconds_bucket/);
    expect(text).toMatch(/wick_cache_breaker_state 0/);
    expect(text).toMatch(/wick_cache_node_used_memory_bytes\{node="127\.0\.0\.1:700\d"\} \d+/);
  });

  it('warmer loads at start, re-warms before the TTL ends, backs off and counts failures', async () => {
    const key = { kind: 'indicator', series: eth, indicator: 'ema', params: '{"period":20}', window: 'latest' } as const;
    let loads = 0;
    let fail = 2;
    const jobs = [
      { name: 'eth-ema', key, codec: seriesCodec, ttlSeconds: 2, load: async () => ({ ema: Float64Array.of(++loads) }) },
      {
        name: 'flaky',
        key: { kind: 'global', namespace: 'warm', id: 'flaky' } as const,
        codec: num,
        ttlSeconds: 60,
        load: async () => {
          if (fail-- > 0) throw new Error('db hiccup');
          return 9;
        },
      },
    ];
    const warmer = createWarmer(cache, jobs, { baseBackoffMs: 100, maxBackoffMs: 400 });
    warmer.start();
    await warmer.firstPass();
    let r = await cache.getOrLoad(key, async () => ({ ema: Float64Array.of(-1) }), { codec: seriesCodec, ttlSeconds: 2 });
    expect(r.status).toBe('hit');
    // Re-warming is planned within the TTL (refreshAt 0.8 of 2 s): the schedule, not a measurement.
    expect(warmer.stats().perJob['eth-ema']!.nextRunInMs).toBeLessThanOrEqual(0.8 * 2_000);
    await eventually(() => warmer.stats().perJob['eth-ema']!.successes >= 2 && warmer.stats().perJob.flaky!.successes === 1, 200);
    r = await cache.getOrLoad(key, async () => ({ ema: Float64Array.of(-1) }), { codec: seriesCodec, ttlSeconds: 2 });
    expect(r.status).toBe('hit');
    expect(r.value.ema![0]).toBeGreaterThanOrEqual(2); // the warmer's reload, not the first load
    const st = warmer.stats();
    expect(st.perJob.flaky!.failures).toBe(2);
    expect(st.perJob.flaky!.successes).toBe(1);
    warmer.stop();
    expect((await cache.getOrLoad(jobs[1]!.key, async () => -1, { codec: num, ttlSeconds: 60 })).value).toBe(9);
  });

  it('clear removes only this prefix, per node, and reports it', async () => {
    const other = await createCache({ nodes: SHARED_NODES, prefix: testPrefix('other'), requestTimeoutMs: 500 });
    const ok = { kind: 'global', namespace: 'keep', id: 'me' } as const;
    await other.getOrLoad(ok, async () => 1, { codec: num, ttlSeconds: 60 });
    for (let i = 0; i < 50; i++)
      await cache.getOrLoad({ kind: 'candles', series: { symbol: `C${i}`, interval: '1d' }, window: 'w' }, async () => i, {
        codec: num,
        ttlSeconds: 60,
      });
    const res = await cache.clear();
    expect(res.removed).toBeGreaterThanOrEqual(100); // 50 values + 50 generation keys, plus earlier tests' keys
    expect(Object.keys(res.byNode).length).toBe(3);
    expect(Object.values(res.byNode).reduce((a, b) => a + b, 0)).toBe(res.removed);
    expect((await cache.clear()).removed).toBe(0);
    expect((await other.getOrLoad(ok, async () => 2, { codec: num, ttlSeconds: 60 })).status).toBe('hit');
    await other.clear();
    await other.close();
  });
});
