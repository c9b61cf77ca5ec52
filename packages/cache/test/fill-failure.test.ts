import { afterAll, describe, expect, it } from 'vitest';
import { createCache, jsonCodec, type WickCache } from '../src/index.ts';
import { deferred, eventually, SHARED_NODES, testPrefix } from './helpers.ts';

/** What the db layer throws when MySQL is away; each waiter's own loader throws it. */
class DbDownError extends Error {
  override name = 'DbDownError';
}
class HolderError extends Error {
  override name = 'HolderError';
}

// Three caches (three "processes") on one prefix. The lock and the wait are 10 minutes, far past this
// test's own timeout: a waiter that settles can only have learned of the failure from the lock.
const prefix = testPrefix('robust-fill');
const caches: WickCache[] = [];
const open = async (): Promise<WickCache> => {
  const cache = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 500, lockMs: 600_000, lockWaitMs: 600_000 });
  caches.push(cache);
  return cache;
};
afterAll(async () => {
  await caches[0]?.clear();
  for (const c of caches) await c.close();
});

const codec = jsonCodec<number>();
const WAITERS = 40;

describe('a fill-lock holder whose load fails', () => {
  it('tells every waiter in every process at once: each loads once itself, in parallel, and fails with its own error', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    const key = { kind: 'global', namespace: 'fill-failure', id: 'db-down' } as const;
    const events: string[] = [];
    const holderStarted = deferred();
    const holderFails = deferred();
    const holder = a
      .getOrLoad(
        key,
        async () => {
          holderStarted.resolve();
          await holderFails.promise;
          events.push('holder failed');
          throw new HolderError('engine error');
        },
        { codec, ttlSeconds: 60 },
      )
      .then(
        () => 'resolved',
        (err: unknown) => (err instanceof HolderError ? 'HolderError' : String(err)),
      );
    await holderStarted.promise;

    // Each waiter process's loader waits until the other's has started too: waiters queued one by one
    // behind a freed lock (the old behaviour) would never both be in their loaders, and this would hang.
    const started = { b: deferred(), c: deferred() };
    const loads = { b: 0, c: 0 };
    const waiterLoad = (self: 'b' | 'c', other: 'b' | 'c') => async (): Promise<number> => {
      loads[self]++;
      events.push(`${self} loads`);
      started[self].resolve();
      await started[other].promise;
      throw new DbDownError('MySQL is unavailable');
    };
    const settle = (cache: WickCache, self: 'b' | 'c', other: 'b' | 'c') =>
      Array.from({ length: WAITERS }, () =>
        cache.getOrLoad(key, waiterLoad(self, other), { codec, ttlSeconds: 60 }).then(
          () => 'resolved',
          (err: unknown) => {
            events.push(`${self} settled`);
            return err instanceof DbDownError ? 'DbDownError' : String(err);
          },
        ),
      );
    const waiters = [...settle(b, 'b', 'c'), ...settle(c, 'c', 'b')];
    // Both processes are waiting on the holder's lock before it fails.
    await eventually(async () => (await b.stats()).lockWaits === 1 && (await c.stats()).lockWaits === 1, 200);
    expect(events).toEqual([]);
    holderFails.resolve();

    expect(await holder).toBe('HolderError');
    const answers = await Promise.all(waiters);
    expect(answers).toEqual(Array(2 * WAITERS).fill('DbDownError'));
    // One load per waiting process (single-flight inside each), after the holder failed, none before.
    expect(loads).toEqual({ b: 1, c: 1 });
    expect(events[0]).toBe('holder failed');
    expect(events.slice(1, 3).sort()).toEqual(['b loads', 'c loads']);
    expect(events.filter((e) => e.endsWith('settled'))).toHaveLength(2 * WAITERS);
    const [sb, sc] = [await b.stats(), await c.stats()];
    // Nobody gave up on the lock: they learned from it.
    expect([sb.lockTimeouts, sc.lockTimeouts]).toEqual([0, 0]);
    expect([sb.loaderCalls, sc.loaderCalls]).toEqual([1, 1]);

    // The failure is not cached and does not stick: the next caller loads, stores, and is served.
    const next = await eventually(async () => {
      const r = await a.getOrLoad(key, async () => 7, { codec, ttlSeconds: 60 }).catch(() => undefined);
      return r?.value === 7;
    }, 100);
    expect(next).toBeGreaterThanOrEqual(1);
    expect(await c.getOrLoad(key, async () => 8, { codec, ttlSeconds: 60 })).toMatchObject({ value: 7, status: 'hit' });
  });

  it('a holder that succeeds after a failure elsewhere is still waited for (the mark is per holder)', async () => {
    const [a, b] = [caches[0]!, caches[1]!];
    const key = { kind: 'global', namespace: 'fill-failure', id: 'ok' } as const;
    const gate = deferred();
    const started = deferred();
    let waiterLoads = 0;
    const holder = a.getOrLoad(
      key,
      async () => {
        started.resolve();
        await gate.promise;
        return 42;
      },
      { codec, ttlSeconds: 60 },
    );
    await started.promise;
    const before = (await b.stats()).lockWaits;
    const waiter = b.getOrLoad(
      key,
      async () => {
        waiterLoads++;
        return -1;
      },
      { codec, ttlSeconds: 60 },
    );
    await eventually(async () => (await b.stats()).lockWaits === before + 1, 200);
    gate.resolve();
    expect(await holder).toMatchObject({ value: 42, status: 'miss' });
    expect(await waiter).toMatchObject({ value: 42, status: 'hit' });
    expect(waiterLoads).toBe(0);
  });
});
