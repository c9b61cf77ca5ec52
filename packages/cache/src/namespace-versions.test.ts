// A `global` namespace's version against the real shared cluster: what readNamespaceVersion answers
// before and after values and bumps, that it is the version getOrLoad's answers carry, and that a
// bump is announced on the near-cache bus under namespaceVersionIdOf before invalidateNamespace
// returns (a member's local version of it is gone by then). Assertions on states and counts only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SHARED_NODES, testPrefix } from '../test/helpers.ts';
import { CacheConfigError } from './errors.ts';
import { createCache, jsonCodec, type CacheVersion, type WickCache } from './index.ts';
import type { NearCacheBus } from './near-cache.ts';

const prefix = testPrefix('nsv');
const open = () => createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500 });
let writer: WickCache;
let member: WickCache;

const newer = (a: CacheVersion, b: CacheVersion) => a.gen.length > b.gen.length || (a.gen.length === b.gen.length && a.gen > b.gen);

beforeAll(async () => {
  [writer, member] = await Promise.all([open(), open()]);
  await eventually(() => writer.breakerState === 'closed' && member.breakerState === 'closed', 100);
  expect(await member.nearCache.join({ leaseMs: 1_000 })).toBe(true);
});
afterAll(async () => {
  await writer?.clear();
  await Promise.all([writer?.close(), member?.close()]);
});

describe('namespace versions', () => {
  it('is the namespace generation a global answer carries (head rev 0), and moves with every bump', async () => {
    const namespace = 'liq-summary.BTCUSDT';
    expect(await writer.readNamespaceVersion(namespace)).toEqual({ gen: '0', headRev: 0 });
    const load = async () =>
      writer.getOrLoad({ kind: 'global', namespace, id: 'q' }, async () => [1, 2], { codec: jsonCodec<number[]>(), ttlSeconds: 60 });
    const first = await load();
    expect(first.status).toBe('miss');
    const v1 = await writer.readNamespaceVersion(namespace);
    expect(v1).toEqual(first.version);
    expect(v1!.headRev).toBe(0);
    expect((await load()).version).toEqual(v1);
    // Another namespace has its own generation; a bump of this one leaves it alone.
    const other = await writer.readNamespaceVersion('liq-summary.ALL');
    await writer.invalidateNamespace(namespace);
    const v2 = (await writer.readNamespaceVersion(namespace))!;
    expect(newer(v2, v1!)).toBe(true);
    expect(await writer.readNamespaceVersion('liq-summary.ALL')).toEqual(other);
    const reloaded = await load();
    expect(reloaded.status).toBe('miss');
    expect(reloaded.version).toEqual(v2);
  });

  it('ids: `ns:<name>` (a name unsafe for a key segment hashed, as in keys); an invalid name is refused', async () => {
    expect(writer.nearCache.namespaceVersionIdOf('symbols')).toBe('ns:symbols');
    expect(writer.nearCache.namespaceVersionIdOf('liq-summary.ALL')).toBe('ns:liq-summary.ALL');
    expect(writer.nearCache.namespaceVersionIdOf('a b{c}')).toMatch(/^ns:#[A-Za-z0-9_-]{22}$/);
    expect(() => writer.nearCache.namespaceVersionIdOf('')).toThrow(CacheConfigError);
    await expect(writer.readNamespaceVersion('')).rejects.toThrow(CacheConfigError);
  });

  it('after invalidateNamespace returns, no member keeps the version from before it', async () => {
    const namespace = 'symbols';
    const id = member.nearCache.namespaceVersionIdOf(namespace);
    await writer.invalidateNamespace(namespace); // a generation to start from
    const before = writer.nearCache.counts();
    for (let i = 0; i < 10; i++) {
      // What a fast path does on a miss in bus mode: a ticket, a Valkey read, then remember.
      const ticket = member.nearCache.ticket(id);
      const v = (await member.readNamespaceVersion(namespace))!;
      member.nearCache.remember(id, v, ticket);
      expect(member.nearCache.version(id)).toEqual(v);
      await writer.invalidateNamespace(namespace);
      expect(member.nearCache.version(id)).toBeUndefined();
      expect(newer((await member.readNamespaceVersion(namespace))!, v)).toBe(true);
    }
    const after = writer.nearCache.counts();
    expect(after.acks - before.acks).toBe(10);
    expect(after.fences - before.fences).toBe(0);
  });

  it('forgetLocally (a bump of this process still pending) drops the id here only, and voids a read begun before it', async () => {
    const namespace = 'liq-summary.SOLUSDT';
    const id = member.nearCache.namespaceVersionIdOf(namespace);
    await writer.invalidateNamespace(namespace);
    const v = (await member.readNamespaceVersion(namespace))!;
    member.nearCache.remember(id, v, member.nearCache.ticket(id));
    expect(member.nearCache.version(id)).toEqual(v);
    const ticket = member.nearCache.ticket(id);
    (member.nearCache as NearCacheBus).forgetLocally([id]);
    expect(member.nearCache.version(id)).toBeUndefined();
    member.nearCache.remember(id, v, ticket);
    expect(member.nearCache.version(id)).toBeUndefined();
  });

  it('a read begun before a bump is announced is not kept', async () => {
    const namespace = 'liq-summary.ETHUSDT';
    const id = member.nearCache.namespaceVersionIdOf(namespace);
    await writer.invalidateNamespace(namespace);
    const ticket = member.nearCache.ticket(id);
    const old = (await member.readNamespaceVersion(namespace))!;
    await writer.invalidateNamespace(namespace);
    member.nearCache.remember(id, old, ticket);
    expect(member.nearCache.version(id)).toBeUndefined();
  });
});
