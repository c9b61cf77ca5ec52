// Destructive tests on a PRIVATE cluster (never the shared 7000-7005 one): start with it down,
// kill a primary by PID, stop everything, start again. Leaves the private cluster stopped.
// Run under `flock /tmp/wick-itest.lock`. Assertions are on states, counts and order, never on time:
// the box is shared and a slow moment must not fail a test that guards correctness.
import { readFileSync } from 'node:fs';
import { GlideClusterClient } from '@valkey/valkey-glide';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache, jsonCodec, type BreakerState, type CacheStatus, type WickCache } from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { eventually, testPrefix } from './helpers.ts';
import { privateCluster, REPO_ROOT } from './private-cluster.ts';

const cluster = privateCluster(Number(process.env.CACHE_TEST_PORT_BASE ?? 7130));
const { base: BASE, nodes } = cluster;
const services = cluster.services;
const num = jsonCodec<number>();
const prefix = testPrefix('fail');
const REQUEST_TIMEOUT = 100;
let cache: WickCache | undefined;

afterAll(async () => {
  await cache?.close();
  services('valkey-down');
}, 60_000);

const key = (i: number) => ({ kind: 'candles', series: { symbol: `S${i}`, interval: '1m' }, window: 'w' }) as const;

describe('cache under cluster failure (private cluster)', () => {
  it('starts while Valkey is down: no throw, no hang, bypasses, then closes by itself when Valkey comes up', async () => {
    services('valkey-down'); // make sure nothing of ours is left over
    cache = await createCache({ nodes, prefix, requestTimeoutMs: REQUEST_TIMEOUT, breaker: { openMs: 200 } });
    // It returned without a connection (so it did not wait for one), breaker open, and nothing throws.
    expect((await cache.stats()).connected).toBe(false);
    expect(cache.breakerState).toBe('open');
    const r = await cache.getOrLoad(key(9999), async () => 1, { codec: num, ttlSeconds: 60 });
    expect(r).toMatchObject({ value: 1, status: 'bypass' });
    expect((await cache.rateLimit('x', 1, 1000)).degraded).toBe(true);
    // While open, no call was sent toward Valkey: every answer came from the breaker.
    expect((await cache.stats()).latencyMs.count).toBe(0);

    services('valkey-up');
    const c = cache;
    await eventually(() => c.breakerState === 'closed', 400);
    expect((await c.getOrLoad(key(9999), async () => 1, { codec: num, ttlSeconds: 60 })).status).toBe('miss');
    expect((await c.getOrLoad(key(9999), async () => 1, { codec: num, ttlSeconds: 60 })).status).toBe('hit');
  });

  it('kill one primary by PID while reads run: no caller gets an error, caching works again within seconds', async () => {
    const c = cache!;
    await eventually(cluster.replicasSynced, 120, 250);
    const N = 60;
    for (let i = 0; i < N; i++) await c.getOrLoad(key(i), async () => i, { codec: num, ttlSeconds: 300 });
    // The primary on BASE owns slots 0-5460; find which of our keys live there.
    const raw = await GlideClusterClient.createClient({ addresses: nodes, requestTimeout: 500 });
    const kb = new KeyBuilder(prefix);
    const slotOf = async (k: string) => Number(await raw.customCommand(['CLUSTER', 'KEYSLOT', k]));
    const shardText = String(
      await raw.customCommand(['CLUSTER', 'NODES'], { route: { type: 'routeByAddress', host: '127.0.0.1', port: BASE } }),
    );
    const me = shardText.split('\n').find((l) => l.includes('myself'))!;
    expect(me).toContain('master');
    const [lo, hi] = me.trim().split(' ').at(-1)!.split('-').map(Number) as [number, number];
    const onVictim: number[] = [];
    for (let i = 0; i < N; i++) {
      const s = await slotOf(kb.resolve(key(i)).genKey);
      if (s >= lo && s <= hi) onVictim.push(i);
    }
    raw.close();
    expect(onVictim.length).toBeGreaterThan(0);

    const errors: unknown[] = [];
    /** Answers in the order they arrived; `afterKill`: the call started after the kill. */
    const events: { keyIndex: number; status: CacheStatus; afterKill: boolean }[] = [];
    let killed = false;
    let stop = false;
    const reader = async (readerIndex: number) => {
      for (let n = 0; !stop; n++) {
        const keyIndex = (n * 7 + readerIndex) % N;
        const afterKill = killed;
        try {
          const r = await c.getOrLoad(key(keyIndex), async () => keyIndex, { codec: num, ttlSeconds: 300 });
          if (r.value !== keyIndex) errors.push(new Error(`wrong value ${r.value} for ${keyIndex}`));
          events.push({ keyIndex, status: r.status, afterKill });
        } catch (err) {
          errors.push(err);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const readers = [0, 1, 2, 3].map(reader);
    await eventually(() => events.filter((e) => e.status === 'hit').length >= 40, 200, 10);
    const pid = Number(readFileSync(`${REPO_ROOT}.services/valkey/${BASE}/valkey.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    killed = true;
    // The outage is seen (a read of the killed shard, sent after the kill, could not use the cache),
    // and later a read of the killed shard is a hit again: the promoted replica serves it.
    const onKilledShard = (e: (typeof events)[number]) => e.afterKill && onVictim.includes(e.keyIndex);
    const recovered = () => {
      const outage = events.findIndex((e) => onKilledShard(e) && e.status !== 'hit');
      return outage >= 0 && events.slice(outage + 1).some((e) => onKilledShard(e) && e.status === 'hit');
    };
    try {
      await eventually(recovered, 400);
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    const statuses = Object.fromEntries(['hit', 'miss', 'bypass', 'stale'].map((s) => [s, events.filter((e) => e.status === s).length]));
    console.log('[failover] answers around kill -9 of a primary:', statuses);
    expect(errors).toEqual([]);
    expect(recovered()).toBe(true);
    // and keep working on all shards afterwards
    for (let i = 0; i < N; i++) expect((await c.getOrLoad(key(i), async () => i, { codec: num, ttlSeconds: 300 })).value).toBe(i);

    // Leave the cluster whole: restart the killed node (it rejoins as a replica) and wait for cluster_state:ok.
    services('valkey-up');
    await eventually(cluster.replicasSynced, 120, 250);
  });

  it('stop the whole cluster: calls keep succeeding through the loader, only the first ones touch Valkey; start it again: breaker closes, hits resume', async () => {
    const c = cache!;
    const k = key(1000);
    await eventually(async () => (await c.getOrLoad(k, async () => 5, { codec: num, ttlSeconds: 300 })).status === 'hit', 400);
    const before = await c.stats();
    services('valkey-down');
    const answers: { status: CacheStatus; breakerAfter: BreakerState }[] = [];
    for (let n = 0; n < 200; n++) {
      const r = await c.getOrLoad(key(2000 + n), async () => n, { codec: num, ttlSeconds: 60 });
      expect(r.value).toBe(n);
      answers.push({ status: r.status, breakerAfter: c.breakerState });
    }
    const after = await c.stats();
    expect(answers.every((a) => a.status === 'bypass')).toBe(true);
    expect(after.loaderCalls - before.loaderCalls).toBe(200);
    // Calls that reached Valkey (each is timed once) and failed: only those before the breaker
    // opened, at most failureThreshold (3); every later call was answered by the open breaker.
    const sentToValkey = after.latencyMs.count - before.latencyMs.count;
    expect(after.errors - before.errors).toBe(sentToValkey);
    expect(sentToValkey).toBeGreaterThanOrEqual(1);
    expect(sentToValkey).toBeLessThanOrEqual(3);
    // Once open the breaker stayed open for the rest of the outage (the prober never closed it).
    const firstOpen = answers.findIndex((a) => a.breakerAfter !== 'closed');
    expect(firstOpen).toBeGreaterThanOrEqual(0);
    expect(firstOpen).toBeLessThan(3);
    expect(answers.slice(firstOpen).every((a) => a.breakerAfter !== 'closed')).toBe(true);
    console.log(`[cluster down] ${sentToValkey} of 200 calls reached Valkey; breaker open after call ${firstOpen + 1}`);

    services('valkey-up');
    const probes = await eventually(() => c.breakerState === 'closed', 600);
    console.log(`[cluster restarted] breaker closed after ${probes} polls`);
    await eventually(async () => (await c.getOrLoad(k, async () => 5, { codec: num, ttlSeconds: 300 })).status === 'hit', 200);
  });
});
