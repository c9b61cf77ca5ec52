import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../src/index.ts';
import { ADMIN_KEY, INGEST_KEY, READ_KEY, startApiHarness, trpcError, wireError, type ApiHarness } from './support/api-harness.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness('access');
});
afterAll(() => api?.close());

describe('API keys', () => {
  const candle = (time: number) => ({ time, open: 10, high: 11, low: 9, close: 10.5, volume: 1 });
  const ingest = (apiKey: string | undefined, time: number) =>
    api.caller(apiKey === undefined ? {} : { apiKey }).candles.ingest({ symbol: 'BTCUSDT', interval: '1m', candles: [candle(time)] });
  const nextMinute = (() => {
    let t = Date.UTC(2025, 0, 1);
    return () => (t += 60_000);
  })();

  for (const apiKey of [undefined, READ_KEY, 'made-up-key']) {
    it(`candles.ingest with ${apiKey ?? 'no key'} is UNAUTHORIZED and writes nothing`, async () => {
      const time = nextMinute();
      const err = await trpcError(ingest(apiKey, time));
      expect(err.code).toBe('UNAUTHORIZED');
      expect(err.message).toContain('ingest API key');
      const after = await api.caller().candles.range({ symbol: 'BTCUSDT', interval: '1m', from: time, to: time, limit: 1 });
      expect(after.candles.time).toEqual([]);
    });
  }

  for (const apiKey of [INGEST_KEY, ADMIN_KEY]) {
    it(`candles.ingest with the ${apiKey === ADMIN_KEY ? 'admin' : 'ingest'} key writes`, async () => {
      const time = nextMinute();
      expect(await ingest(apiKey, time)).toMatchObject({ received: 1, affected: 1 });
      const after = await api.caller().candles.range({ symbol: 'BTCUSDT', interval: '1m', from: time, to: time, limit: 1 });
      expect(after.candles.time).toEqual([time]);
    });
  }

  for (const apiKey of [undefined, READ_KEY, INGEST_KEY]) {
    it(`cache.invalidate and cache.clear with ${apiKey ?? 'no key'} are UNAUTHORIZED`, async () => {
      const caller = () => api.caller(apiKey === undefined ? {} : { apiKey });
      for (const call of [caller().cache.invalidate({ symbol: 'BTCUSDT' }), caller().cache.clear()]) {
        const err = await trpcError(call);
        expect(err.code).toBe('UNAUTHORIZED');
        expect(err.message).toContain('admin API key');
      }
    });
  }

  it('the admin key invalidates a series: the next read is a miss', async () => {
    const input = { symbol: 'ETHUSDT', interval: '1m', limit: 20, to: Date.UTC(2024, 0, 1, 12) } as const;
    await api.caller().candles.range(input);
    expect((await api.caller().candles.range(input)).cache.status).toBe('hit');
    const answer = await api.caller({ apiKey: ADMIN_KEY }).cache.invalidate({ symbol: 'ethusdt', interval: '1m' });
    expect(answer).toEqual({ invalidated: { symbol: 'ETHUSDT', interval: '1m' } });
    expect((await api.caller().candles.range(input)).cache.status).toBe('miss');
  });
});

describe('rate limit', () => {
  const limited = { rateLimit: { limit: 3, windowMs: 60_000 } };

  it('past the limit a caller gets TOO_MANY_REQUESTS with the time to wait', async () => {
    const caller = () => api.caller({ ip: '10.9.0.1', config: limited });
    for (let i = 0; i < 3; i++) expect(await caller().noop()).toEqual({ ok: true });
    const err = await trpcError(caller().noop());
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    expect(err.cause).toBeInstanceOf(RateLimitedError);
    const retryAfterMs = (err.cause as RateLimitedError).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    const shape = wireError(err, 'noop');
    expect(shape.data.retryAfterMs).toBe(retryAfterMs);
    expect(shape.message).toMatch(/^Rate limit reached: retry in \d+ s/);
    // Another client's window is its own.
    expect(await api.caller({ ip: '10.9.0.2', config: limited }).noop()).toEqual({ ok: true });
  });

  it('calls the HTTP fast path already charged (prepaid) are not charged again; the rest are', async () => {
    const ip = '10.9.0.4';
    const prepaid = { calls: 2 };
    const caller = api.caller({ ip, config: limited, prepaid });
    // 2 prepaid + the limit of 3 charged ones, on one request's context; the next is refused.
    for (let i = 0; i < 5; i++) expect(await caller.noop()).toEqual({ ok: true });
    expect(prepaid.calls).toBe(0);
    expect((await trpcError(caller.noop())).code).toBe('TOO_MANY_REQUESTS');
  });

  it('made-up keys share their IP window; an issued key has a window of its own', async () => {
    const ip = '10.9.0.3';
    for (let i = 0; i < 3; i++) await api.caller({ ip, apiKey: `made-up-${i}`, config: limited }).noop();
    const err = await trpcError(api.caller({ ip, apiKey: 'made-up-3', config: limited }).noop());
    expect(err.code).toBe('TOO_MANY_REQUESTS');
    expect(await api.caller({ ip, apiKey: READ_KEY, config: limited }).noop()).toEqual({ ok: true });
  });
});
