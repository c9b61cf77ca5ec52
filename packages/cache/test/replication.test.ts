// Version-publishing writes wait for a replica (replication.ts), on a PRIVATE cluster: the replica of
// the series' primary is stopped (SIGSTOP) so it cannot acknowledge, then continued. Run under
// `flock /tmp/wick-itest.lock`. Leaves the private cluster stopped. Asserts states, never times.
import { GlideClusterClient } from '@valkey/valkey-glide';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, jsonCodec, type WickCache } from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { eventually, testPrefix } from './helpers.ts';
import { privateCluster, replicaPidOf } from './private-cluster.ts';

const cluster = privateCluster(Number(process.env.CACHE_REPL_TEST_PORT_BASE ?? 7170));
const { nodes } = cluster;
const services = cluster.services;
const prefix = testPrefix('repl');
const series = { symbol: 'REPLUSDT', interval: '1m' } as const;
const one = (v: number) => Float64Array.of(v);
const tail = { time: one(60_000), open: one(1), high: one(1), low: one(1), close: one(1), volume: one(1) };
let cache: WickCache | undefined;
let raw: GlideClusterClient | undefined;
let stoppedPid: number | undefined;

/** A read of the series goes around the cache: what a pending bump does to this process's reads. */
async function bypassed(): Promise<boolean> {
  const r = await cache!.getOrLoad({ kind: 'candles', series, window: 'w' }, async () => 1, { codec: jsonCodec<number>(), ttlSeconds: 60 });
  return r.status === 'bypass';
}

beforeAll(async () => {
  services('valkey-down');
  services('valkey-up');
  await eventually(cluster.replicasSynced, 200, 100);
  raw = await GlideClusterClient.createClient({ addresses: nodes, requestTimeout: 2000 });
  cache = await createCache({ nodes, prefix, requestTimeoutMs: 100, breaker: { openMs: 200 } });
  await eventually(() => cache!.breakerState === 'closed', 100);
}, 120_000);

afterAll(async () => {
  if (stoppedPid) process.kill(stoppedPid, 'SIGCONT');
  await cache?.close();
  raw?.close();
  services('valkey-down');
}, 60_000);

describe('version writes wait for a replica', () => {
  it('with the replica up: a bump and a head land, nothing pending, the version moves', async () => {
    const before = await cache!.readVersion(series);
    await cache!.invalidateSeries(series);
    expect(await cache!.advanceHead(series, { rev: 1, tail })).toBe('stored');
    expect(await bypassed()).toBe(false);
    const after = await cache!.readVersion(series);
    expect(after?.headRev).toBe(1);
    expect(BigInt(after!.gen)).toBeGreaterThan(BigInt(before?.gen ?? '0'));
  });

  it('with the replica stopped: the head counts as not stored, the bump stays pending, no version is served until it lands', async () => {
    const genKey = new KeyBuilder(prefix).genKeyOfTag(new KeyBuilder(prefix).seriesTag(series));
    stoppedPid = await replicaPidOf(raw!, genKey);
    const before = await cache!.readVersion(series);
    process.kill(stoppedPid, 'SIGSTOP');
    // The head reached the primary only: a failover now would undo it, so the series is invalidated
    // instead, and that bump cannot reach a replica either.
    expect(await cache!.advanceHead(series, { rev: 2, tail })).toBe('invalidated');
    expect(await bypassed()).toBe(true);
    // This process wrote a version Valkey cannot vouch for: it names none (the fast path then passes).
    expect(await cache!.readVersion(series)).toBeUndefined();
    process.kill(stoppedPid, 'SIGCONT');
    stoppedPid = undefined;
    // The prober lands the pending bump once a replica takes it.
    await eventually(async () => !(await bypassed()), 400);
    const after = await cache!.readVersion(series);
    expect(after?.headRev).toBe(2);
    expect(BigInt(after!.gen)).toBeGreaterThan(BigInt(before!.gen));
  });
});
