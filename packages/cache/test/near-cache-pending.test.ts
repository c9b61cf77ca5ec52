// Bus mode announces a bump kept pending for want of a replica (valkey-cache.ts announceMoved): the
// primary already holds the new generation, so a member still answering from its map would be the
// one process serving the old version. On a PRIVATE cluster (CACHE_PENDING_TEST_PORT_BASE, 7180):
// the replica of the key's primary is stopped (SIGSTOP) so WAIT answers 0, then continued. Run
// under `flock /tmp/wick-itest.lock`. Leaves the private cluster stopped. Asserts states and
// counts, never times.
import { GlideClusterClient } from '@valkey/valkey-glide';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type CacheVersion, type SeriesRef, type WickCache } from '../src/index.ts';
import { KeyBuilder } from '../src/keys.ts';
import { eventually, testPrefix } from './helpers.ts';
import { privateCluster, primaryOf, replicaPidOf } from './private-cluster.ts';

const cluster = privateCluster(Number(process.env.CACHE_PENDING_TEST_PORT_BASE ?? 7180));
const { nodes } = cluster;
const services = cluster.services;
const prefix = testPrefix('pending');
const keys = new KeyBuilder(prefix);
// Both live off the shard of the bus's `{near}` slot (checked in beforeAll): stopping their replica
// leaves the members' renewals and fences durable, so nobody loses standing or is fenced here.
const series: SeriesRef = { symbol: 'PENDINGUSDT', interval: '1m' };
const namespace = 'pending';
const nearMembersKey = `${prefix}:{near}:members`;
const open = () => createCache({ nodes, prefix, requestTimeoutMs: 500, breaker: { openMs: 200 } });
let a: WickCache | undefined;
let b: WickCache | undefined;
let raw: GlideClusterClient | undefined;
let stoppedPid: number | undefined;

/** The id, generation key and reads of a series or a namespace: the same scenario runs on both. */
interface Subject {
  id: string;
  genKey: string;
  invalidate: (cache: WickCache) => Promise<void>;
  read: (cache: WickCache) => Promise<CacheVersion | undefined>;
}

const seriesSubject = (): Subject => ({
  id: b!.nearCache.versionIdOf(series),
  genKey: keys.genKeyOfTag(keys.seriesTag(series)),
  invalidate: (cache) => cache.invalidateSeries(series),
  read: (cache) => cache.readVersion(series),
});

const namespaceSubject = (): Subject => {
  const id = b!.nearCache.namespaceVersionIdOf(namespace);
  return {
    id,
    genKey: keys.genKeyOfTag(id), // a namespace's version id is its tag
    invalidate: (cache) => cache.invalidateNamespace(namespace),
    read: (cache) => cache.readNamespaceVersion(namespace),
  };
};

/** What a fast path does on a miss in bus mode: a ticket, a Valkey read, then remember. */
async function readAndRemember(member: WickCache, subject: Subject): Promise<CacheVersion> {
  const ticket = member.nearCache.ticket(subject.id);
  const v = await subject.read(member);
  if (!v) throw new Error(`no version of ${subject.id}`);
  member.nearCache.remember(subject.id, v, ticket);
  return v;
}

const gen = (v: CacheVersion | undefined): bigint => BigInt(v!.gen);

function resume(): void {
  if (stoppedPid === undefined) return;
  process.kill(stoppedPid, 'SIGCONT');
  stoppedPid = undefined;
}

beforeAll(async () => {
  services('valkey-down');
  services('valkey-up');
  await eventually(cluster.replicasSynced, 200, 100);
  raw = await GlideClusterClient.createClient({ addresses: nodes, requestTimeout: 2000 });
  [a, b] = await Promise.all([open(), open()]);
  await eventually(() => a!.breakerState === 'closed' && b!.breakerState === 'closed', 100);
  const nearPrimary = (await primaryOf(raw!, nearMembersKey))[0];
  for (const { genKey } of [seriesSubject(), namespaceSubject()])
    expect((await primaryOf(raw!, genKey))[0], `${genKey} must not share a primary with ${nearMembersKey}`).not.toBe(nearPrimary);
  // Two processes on the bus. A's first announcements (they find B) also subscribe it to its acks.
  expect(await a.nearCache.join({ leaseMs: 1_000 })).toBe(true);
  expect(await b.nearCache.join({ leaseMs: 1_000 })).toBe(true);
  // Generations to start from, landed with every replica up.
  for (const subject of [seriesSubject(), namespaceSubject()]) {
    await subject.invalidate(a);
    expect(gen(await subject.read(a))).toBeGreaterThan(0n);
  }
}, 120_000);

afterAll(async () => {
  resume();
  await Promise.all([a?.close(), b?.close()]);
  raw?.close();
  services('valkey-down');
}, 60_000);

/**
 * B keeps the current version; the replica of the key's primary stops; A invalidates. A's bump is
 * on the primary only (pending), yet B has dropped the old version by the time A's call returns
 * and reads the new one; once the replica is back, the prober lands A's bump.
 */
async function pendingBumpIsAnnounced(subject: Subject): Promise<void> {
  await eventually(cluster.replicasSynced, 200, 100);
  // Nothing of an earlier scenario still pending in A: while anything is, every prober retry
  // announces ALL_VERSIONS, which would drop B's versions whatever this write announces.
  await eventually(async () => {
    const reads = await Promise.all([seriesSubject(), namespaceSubject()].map((s) => s.read(a!)));
    return reads.every((v) => v !== undefined);
  }, 400);
  await eventually(() => a!.nearCache.inStanding() && b!.nearCache.inStanding(), 100);
  // 1. B remembered the current version, as the fast path would.
  const old = await readAndRemember(b!, subject);
  expect(b!.nearCache.version(subject.id)).toEqual(old);
  expect(await subject.read(a!)).toEqual(old);
  const aBefore = a!.nearCache.counts();
  const bBefore = b!.nearCache.counts();

  stoppedPid = await replicaPidOf(raw!, subject.genKey);
  process.kill(stoppedPid, 'SIGSTOP');
  try {
    // Stopping a replica moves nothing on the bus: B still answers the old version from its map.
    expect(b!.nearCache.version(subject.id)).toEqual(old);

    // 2. A's invalidate returns although no replica took the bump.
    await subject.invalidate(a!);
    // 3. ...and by then B no longer holds the old version: checked first, before anything else can
    // run (a prober retry also announces, but only after the call returned), and while B is in
    // standing (out of standing version() is undefined for every id).
    expect(b!.nearCache.inStanding()).toBe(true);
    expect(b!.nearCache.version(subject.id)).toBeUndefined();
    // The announcement did it: B acked it, nobody was fenced, B never left standing.
    const aAfter = a!.nearCache.counts();
    const bAfter = b!.nearCache.counts();
    expect(aAfter.acks - aBefore.acks).toBeGreaterThanOrEqual(1);
    expect(aAfter.fences - aBefore.fences).toBe(0);
    expect(bAfter.standingLost - bBefore.standingLost).toBe(0);
    expect(bAfter.fencedSelf - bBefore.fencedSelf).toBe(0);

    // 2. A's bump is pending: A names no version while Valkey cannot vouch for the one it wrote.
    expect(await subject.read(a!)).toBeUndefined();

    // 3. B reads the primary, which holds the new generation.
    const seen = await readAndRemember(b!, subject);
    expect(gen(seen)).toBeGreaterThan(gen(old));
    expect(b!.nearCache.version(subject.id)).toEqual(seen);
    expect(await subject.read(a!)).toBeUndefined(); // still pending: the replica is still stopped
    expect(b!.nearCache.inStanding()).toBe(true);
  } finally {
    resume();
  }

  // 4. The replica is back: the prober lands A's bump (bumping again), and A answers again.
  await eventually(async () => (await subject.read(a!)) !== undefined, 400);
  const landed = await subject.read(a!);
  expect(gen(landed)).toBeGreaterThan(gen(old));
  // Landing a deferred bump announces everything: what B reads now is what A reads.
  expect(b!.nearCache.inStanding()).toBe(true);
  expect(await readAndRemember(b!, subject)).toEqual(landed);
}

describe('a bump kept pending for want of a replica is announced (bus mode)', () => {
  it('series: B drops the old version before A’s invalidateSeries returns, and reads the new generation', async () => {
    await pendingBumpIsAnnounced(seriesSubject());
  });

  it('namespace: B drops the old version before A’s invalidateNamespace returns, and reads the new generation', async () => {
    await pendingBumpIsAnnounced(namespaceSubject());
  });
});
