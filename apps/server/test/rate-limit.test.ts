import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, INGEST_KEY, startWick, testClient, type Wick } from '@wick/server/testing';

const LIMIT = 5;
let wick: Wick;
beforeAll(async () => {
  wick = await startWick('ratelimit', {
    env: { RATE_LIMIT: String(LIMIT), RATE_LIMIT_WINDOW_MS: '60000', API_KEYS: 'alice-key,bob-key' },
  });
});
afterAll(() => wick?.close());

describe('rate limiting', () => {
  it('the N+1th call in a window is TOO_MANY_REQUESTS with a retry time; another key is unaffected', async () => {
    const alice = testClient({ url: wick.url, apiKey: 'alice-key' });
    const bob = testClient({ url: wick.url, apiKey: 'bob-key' });
    for (let i = 0; i < LIMIT; i++) await alice.indicators.catalog.query();
    const err = await alice.indicators.catalog.query().catch((e: unknown) => e);
    expect(errorCode(err)).toBe('TOO_MANY_REQUESTS');
    const retryAfterMs = (err as { data?: { retryAfterMs?: number } }).data?.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((err as Error).message).toMatch(/retry in \d+ s/);

    await expect(bob.indicators.catalog.query()).resolves.toBeTruthy();
    // The ingest key has its own window too.
    await expect(testClient({ url: wick.url, apiKey: INGEST_KEY }).symbols.list.query()).resolves.toBeTruthy();
  });

  it('without a known key the limit is per client IP, and raw HTTP gets 429 with Retry-After', async () => {
    for (let i = 0; i < LIMIT; i++) await wick.client.indicators.catalog.query();
    // A made-up key counts against the IP's window too.
    const forged = testClient({ url: wick.url, apiKey: `made-up-${Math.random()}` });
    expect(errorCode(await forged.indicators.catalog.query().catch((e: unknown) => e))).toBe('TOO_MANY_REQUESTS');
    const res = await fetch(`${wick.url}/trpc/indicators.catalog`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
