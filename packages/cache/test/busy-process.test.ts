// A busy process must never look like a sick cluster: against the HEALTHY shared cluster, saturate
// this process (its event loop, Wick's queue toward Valkey, glide's inflight cap) and count what
// happened — statuses, errors, timeouts, shed calls, breaker states. Nothing here reads the clock.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCache,
  jsonCodec,
  type BreakerState,
  type CacheOptions,
  type CacheStats,
  type CacheStatus,
  type WickCache,
} from '../src/index.ts';
import { SHARED_NODES, stallEventLoop, testPrefix } from './helpers.ts';

const num = jsonCodec<number>();
const opened: WickCache[] = [];
afterEach(async () => {
  for (const cache of opened.splice(0)) {
    await cache.clear();
    await cache.close();
  }
});

async function busyCache(options: Partial<CacheOptions>): Promise<WickCache> {
  const cache = await createCache({ nodes: SHARED_NODES, prefix: testPrefix('busy'), ...options });
  opened.push(cache);
  expect(cache.breakerState).toBe('closed');
  return cache;
}

/** `count` concurrent cold reads of distinct keys; the breaker state is sampled as each one answers. */
function coldReads(cache: WickCache, count: number): { answers: Promise<CacheStatus[]>; breakerSeen: Set<BreakerState> } {
  const breakerSeen = new Set<BreakerState>();
  const answers = Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = { kind: 'global', namespace: 'busy', id: String(i) } as const;
      const r = await cache.getOrLoad(key, async () => i, { codec: num, ttlSeconds: 60 });
      expect(r.value).toBe(i);
      breakerSeen.add(cache.breakerState);
      return r.status;
    }),
  );
  return { answers, breakerSeen };
}

function tally(statuses: CacheStatus[]): Record<CacheStatus, number> {
  const out: Record<CacheStatus, number> = { hit: 0, miss: 0, stale: 0, bypass: 0 };
  for (const status of statuses) out[status]++;
  return out;
}

function delta(after: CacheStats, before: CacheStats, name: 'errors' | 'timeouts' | 'shed'): number {
  return after[name] - before[name];
}

describe('a busy process never opens the breaker (healthy cluster)', () => {
  it('an event loop stalled for 4× the request timeout while 200 calls are in flight: no timeouts, breaker closed', async () => {
    // Before the fix every call timed out here (the deadline fired before the loop read the
    // replies that had already arrived) and the breaker opened.
    const cache = await busyCache({ requestTimeoutMs: 100 });
    const before = await cache.stats();
    const { answers, breakerSeen } = coldReads(cache, 200);
    stallEventLoop(400);
    const statuses = tally(await answers);
    const after = await cache.stats();
    expect(statuses).toEqual({ hit: 0, miss: 200, stale: 0, bypass: 0 });
    expect(delta(after, before, 'timeouts')).toBe(0);
    expect(delta(after, before, 'errors')).toBe(0);
    expect([...breakerSeen]).toEqual(['closed']);
    expect(after.breaker).toBe('closed');

    // And again on the warm keys, with two stalls and one turn of the event loop between them.
    const again = Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        cache.getOrLoad({ kind: 'global', namespace: 'busy', id: String(i) }, async () => -1, { codec: num, ttlSeconds: 60 }),
      ),
    );
    stallEventLoop(250);
    await new Promise((resolve) => setImmediate(resolve));
    stallEventLoop(250);
    expect(tally((await again).map((r) => r.status))).toEqual({ hit: 200, miss: 0, stale: 0, bypass: 0 });
    expect((await cache.stats()).errors).toBe(before.errors);
  });

  it('a full queue toward Valkey sheds the excess as bypass, counted as shed and never as a Valkey failure', async () => {
    const cache = await busyCache({ requestTimeoutMs: 500, maxConcurrentCalls: 2, maxQueuedCalls: 4 });
    const before = await cache.stats();
    const { answers, breakerSeen } = coldReads(cache, 300);
    const statuses = tally(await answers);
    const after = await cache.stats();
    // Two calls in flight and four waiting get through (each carries on to its lock and write in
    // turn); the other 294 found the queue full and went to their loaders at once.
    expect(statuses).toEqual({ hit: 0, miss: 6, stale: 0, bypass: 294 });
    expect(delta(after, before, 'shed')).toBe(294);
    expect(delta(after, before, 'errors')).toBe(0);
    expect(delta(after, before, 'timeouts')).toBe(0);
    expect([...breakerSeen]).toEqual(['closed']);
    // Only admitted calls reached Valkey: read + lock + write for each of the six.
    expect(after.latencyMs.count - before.latencyMs.count).toBe(6 * 3);
  });

  it('with glide’s inflight cap below the demand, Wick’s own bound keeps every call inside it: no errors, no sheds', async () => {
    // Before the fix glide refused most of these ("Reached maximum inflight requests"), each refusal
    // counted as a Valkey failure.
    const cache = await busyCache({ requestTimeoutMs: 500, inflightLimit: 10, maxConcurrentCalls: 5, maxQueuedCalls: 10_000 });
    const before = await cache.stats();
    const { answers, breakerSeen } = coldReads(cache, 2_000);
    const statuses = tally(await answers);
    const after = await cache.stats();
    expect(statuses).toEqual({ hit: 0, miss: 2_000, stale: 0, bypass: 0 });
    expect(delta(after, before, 'errors')).toBe(0);
    expect(delta(after, before, 'shed')).toBe(0);
    expect([...breakerSeen]).toEqual(['closed']);
  });

  it('refuses a concurrency bound that glide’s inflight cap could not hold, with a message saying which option', async () => {
    await expect(createCache({ nodes: SHARED_NODES, inflightLimit: 100, maxConcurrentCalls: 51 })).rejects.toThrow(/maxConcurrentCalls/);
    await expect(createCache({ nodes: SHARED_NODES, maxQueuedCalls: -1 })).rejects.toThrow(/maxQueuedCalls/);
  });
});
