// Answers from the fast path still count against the caller's rate limit (per key for issued keys,
// else per IP), and the N+1th is refused exactly as tRPC refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, startWick, T0, type Wick } from '@wick/server/testing';
import { get, metricValue, trpcPath } from './fast-path-http.ts';

const LIMIT = 8;
let wick: Wick;
beforeAll(async () => {
  wick = await startWick('fastpath_ratelimit', {
    env: { RATE_LIMIT: String(LIMIT), RATE_LIMIT_WINDOW_MS: '60000', API_KEYS: 'alice-key,bob-key' },
  });
});
afterAll(() => wick?.close());

const path = trpcPath(
  [
    {
      path: 'indicators.compute',
      input: { symbol: 'ETHUSDT', interval: '1m', indicator: 'sma', params: {}, limit: 100, to: T0 - 5 * MINUTE },
    },
  ],
  false,
);
const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('fast path and the rate limit', () => {
  it('hits count: exactly LIMIT answers per key, then 429 with Retry-After; another key is unaffected; headers say private', async () => {
    const hits = async () => metricValue(await wick.server.registry.metrics(), 'wick_fast_path_requests_total', 'outcome="hit"');
    const before = await hits();
    const answers = [];
    for (let i = 0; i < LIMIT + 2; i++) answers.push(await get(wick.url, path, as('alice-key')));
    expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(200));
    expect(answers.slice(LIMIT).map((a) => a.status)).toEqual([429, 429]);
    expect(Number(answers[LIMIT]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(answers[LIMIT]!.text).error.json.data.code).toBe('TOO_MANY_REQUESTS');
    // Most of alice's answers came from the store, and each of them was counted.
    const served = answers.filter((a) => a.headers.etag).length;
    expect(served).toBeGreaterThanOrEqual(LIMIT - 2);
    expect((await hits()) - before).toBe(served);
    const stored = answers.find((a) => a.headers.etag)!;
    expect(stored.headers['cache-control']).toBe('private, no-cache');
    expect(stored.headers.vary).toContain('authorization');

    const bob = await get(wick.url, path, as('bob-key'));
    expect(bob.status).toBe(200);
    expect(bob.headers.etag).toBeDefined();
  });

  it('a made-up key counts against the IP, hits included', async () => {
    const answers = [];
    for (let i = 0; i < LIMIT + 1; i++) answers.push(await get(wick.url, path, as(`made-up-${i}`)));
    expect(answers.slice(0, LIMIT).every((a) => a.status === 200)).toBe(true);
    expect(answers[LIMIT]!.status).toBe(429);
    expect(answers.filter((a) => a.headers.etag).length).toBeGreaterThanOrEqual(LIMIT - 1);
  });
});
