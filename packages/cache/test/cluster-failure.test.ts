// Destructive tests on a PRIVATE cluster (never the shared 7000-7005 one): start with it down,
// kill a primary by PID, stop everything, start again. Leaves the private cluster stopped.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GlideClusterClient, InfoOptions } from '@valkey/valkey-glide';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache, jsonCodec, type CacheStatus, type WickCache } from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { testPrefix } from './helpers.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BASE = Number(process.env.CACHE_TEST_PORT_BASE ?? 7130);
const nodes = [0, 1, 2].map((i) => ({ host: '127.0.0.1', port: BASE + i }));
const env = { ...process.env, VALKEY_PORT_BASE: String(BASE) };
const services = (cmd: 'valkey-up' | 'valkey-down'): void => {
  execFileSync('bash', ['scripts/services.sh', cmd], { cwd: root, env, stdio: 'ignore', timeout: 60_000 });
};
const num = jsonCodec<number>();
const prefix = testPrefix('fail');
const REQUEST_TIMEOUT = 100;
let cache: WickCache | undefined;

afterAll(async () => {
  await cache?.close();
  services('valkey-down');
}, 60_000);

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 50): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** cluster_state:ok is not enough to survive a kill: each replica must have finished its first sync. */
async function replicasSynced(): Promise<boolean> {
  const raw = await GlideClusterClient.createClient({ addresses: nodes, requestTimeout: 1000 });
  try {
    const info = (await raw.info({ sections: [InfoOptions.Replication], route: 'allNodes' })) as Record<string, string>;
    const texts = Object.values(info);
    const replicas = texts.filter((t) => /role:slave/.test(t));
    return texts.length === 6 && replicas.length === 3 && replicas.every((t) => /master_link_status:up/.test(t));
  } catch {
    return false;
  } finally {
    raw.close();
  }
}

const key = (i: number) => ({ kind: 'candles', series: { symbol: `S${i}`, interval: '1m' }, window: 'w' }) as const;

describe('cache under cluster failure (private cluster)', () => {
  it('starts while Valkey is down: no throw, no hang, bypasses, then closes by itself when Valkey comes up', async () => {
    services('valkey-down'); // make sure nothing of ours is left over
    const t0 = Date.now();
    cache = await createCache({ nodes, prefix, requestTimeoutMs: REQUEST_TIMEOUT, breaker: { openMs: 200 } });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(cache.breakerState).toBe('open');
    const r = await cache.getOrLoad(key(9999), async () => 1, { codec: num, ttlSeconds: 60 });
    expect(r).toMatchObject({ value: 1, status: 'bypass' });
    expect((await cache.stats()).connected).toBe(false);
    expect((await cache.rateLimit('x', 1, 1000)).degraded).toBe(true);

    services('valkey-up');
    const c = cache;
    await until(() => c.breakerState === 'closed', 20_000);
    expect((await c.getOrLoad(key(9999), async () => 1, { codec: num, ttlSeconds: 60 })).status).toBe('miss');
    expect((await c.getOrLoad(key(9999), async () => 1, { codec: num, ttlSeconds: 60 })).status).toBe('hit');
  });

  it('kill one primary by PID while reads run: no caller gets an error, caching works again within seconds', async () => {
    const c = cache!;
    await until(replicasSynced, 30_000, 250);
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
    const events: { t: number; i: number; status: CacheStatus }[] = [];
    let stop = false;
    const reader = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const i = (n * 7 + w) % N;
        try {
          const r = await c.getOrLoad(key(i), async () => i, { codec: num, ttlSeconds: 300 });
          if (r.value !== i) errors.push(new Error(`wrong value ${r.value} for ${i}`));
          events.push({ t: Date.now(), i, status: r.status });
        } catch (err) {
          errors.push(err);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    const readers = [0, 1, 2, 3].map(reader);
    await new Promise((r) => setTimeout(r, 300));
    const pid = Number(readFileSync(`${root}.services/valkey/${BASE}/valkey.pid`, 'utf8'));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    // Recovery: a key on the killed shard is served from the cache again (the promoted replica has it).
    let recoveredMs = -1;
    try {
      recoveredMs = await until(() => events.some((e) => e.t > killedAt + 200 && onVictim.includes(e.i) && e.status === 'hit'), 20_000);
    } finally {
      stop = true;
      await Promise.all(readers);
    }
    console.log(
      `[failover] hits on the killed shard resumed ${recoveredMs} ms after kill -9; statuses:`,
      Object.fromEntries(['hit', 'miss', 'bypass', 'stale'].map((s) => [s, events.filter((e) => e.status === s).length])),
    );
    expect(errors).toEqual([]);
    expect(recoveredMs).toBeLessThan(15_000);
    // and keep working on all shards afterwards
    for (let i = 0; i < N; i++) expect((await c.getOrLoad(key(i), async () => i, { codec: num, ttlSeconds: 300 })).value).toBe(i);

    // Leave the cluster whole: restart the killed node (it rejoins as a replica) and wait for cluster_state:ok.
    services('valkey-up');
    await until(replicasSynced, 30_000, 250);
  });

  it('stop the whole cluster: calls keep succeeding through the loader after one timeout; start it again: breaker closes, hits resume', async () => {
    const c = cache!;
    const k = key(1000);
    await until(async () => (await c.getOrLoad(k, async () => 5, { codec: num, ttlSeconds: 300 })).status === 'hit', 20_000);
    const before = await c.stats();
    services('valkey-down');
    const lat: { ms: number; status: CacheStatus }[] = [];
    for (let n = 0; n < 200; n++) {
      const t0 = performance.now();
      const r = await c.getOrLoad(key(2000 + n), async () => n, { codec: num, ttlSeconds: 60 });
      expect(r.value).toBe(n);
      lat.push({ ms: performance.now() - t0, status: r.status });
    }
    const after = await c.stats();
    expect(c.breakerState).not.toBe('closed');
    expect(lat.every((l) => l.status === 'bypass')).toBe(true);
    // Only the calls before the breaker opened touched Valkey (≤ failureThreshold); the rest went straight to the loader.
    expect(after.errors - before.errors).toBeLessThanOrEqual(3);
    const slow = lat.filter((l) => l.ms >= REQUEST_TIMEOUT * 0.5).length;
    console.log(
      `[cluster down] first call ${lat[0]!.ms.toFixed(1)} ms, slow calls ${slow}/200, p50 of the rest ${lat
        .slice(3)
        .map((l) => l.ms)
        .sort((a, b) => a - b)[98]!
        .toFixed(3)} ms`,
    );
    expect(slow).toBeLessThanOrEqual(3);
    for (const l of lat) expect(l.ms).toBeLessThan(REQUEST_TIMEOUT * 3); // no call waits beyond a timeout

    services('valkey-up');
    const closedMs = await until(() => c.breakerState === 'closed', 30_000);
    console.log(`[cluster restarted] breaker closed ${closedMs} ms after valkey-up returned`);
    await until(async () => (await c.getOrLoad(k, async () => 5, { codec: num, ttlSeconds: 300 })).status === 'hit', 10_000);
  });
});
