// Server errors as the caller sees them: TRPCClientError with the tRPC code and the data to act on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@wick/server';
import { MINUTE, startWick, T0, type Wick } from '@wick/server/testing';
import { createWickClient, errorCode, TRPCClientError, type AppRouter, type WickClient } from '../src/index.ts';

/** A failed call as the router types it: `data` is the server's error shape (code, httpStatus, fieldErrors, retryAfterMs). */
type WickError = TRPCClientError<AppRouter> & { data: NonNullable<TRPCClientError<AppRouter>['data']> };

const RATE_LIMIT = 3;
const RATE_WINDOW_MS = 60_000;
let wick: Wick;
let limited: RunningServer;
let client: WickClient;

beforeAll(async () => {
  wick = await startWick('client_errors');
  // A second server on the same database with a small rate limit for one issued key.
  limited = await startServer(
    loadConfig({
      ...wick.env,
      RATE_LIMIT: String(RATE_LIMIT),
      RATE_LIMIT_WINDOW_MS: String(RATE_WINDOW_MS),
      API_KEYS: 'limited-key',
      CACHE_PREFIX: `t_client_errors_rl_${process.pid}`,
    }),
  );
  client = createWickClient({ url: wick.url });
});
afterAll(async () => {
  await limited?.close();
  await wick?.close();
});

/** The rejection of `call`, checked to be a TRPCClientError. */
async function failure(call: Promise<unknown>): Promise<WickError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  expect((err as TRPCClientError<AppRouter>).data).toBeTruthy();
  return err as WickError;
}

const rsi = { symbol: 'BTCUSDT', interval: '1m' as const, indicator: 'rsi', params: { period: 14 }, limit: 50, to: T0 - MINUTE };

describe('error mapping', () => {
  it('BAD_REQUEST carries the field errors and a message naming the fields', async () => {
    const err = await failure(client.indicators.compute.query({ ...rsi, symbol: 'x', limit: 0 }));
    expect(errorCode(err)).toBe('BAD_REQUEST');
    expect(err.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, path: 'indicators.compute' });
    expect(Object.keys(err.data.fieldErrors ?? {}).sort()).toEqual(['limit', 'symbol']);
    expect(err.message).toMatch(/limit/);
    expect(err.message).toMatch(/symbol/);
    expect(err.data).not.toHaveProperty('stack');
  });

  it('in a batch, only the failing call rejects; its neighbours in the same request resolve', async () => {
    const [good, bad, other] = await Promise.allSettled([
      client.indicators.compute.query(rsi),
      client.indicators.compute.query({ ...rsi, interval: '7m' as '1m' }),
      client.symbols.list.query(),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(other.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    const err = (bad as PromiseRejectedResult).reason as WickError;
    expect(errorCode(err)).toBe('BAD_REQUEST');
    expect(Object.keys(err.data.fieldErrors ?? {})).toEqual(['interval']);
  });

  it('NOT_FOUND names what is missing', async () => {
    const err = await failure(client.candles.range.query({ symbol: 'NOPEUSDT', interval: '1m', limit: 10 }));
    expect(errorCode(err)).toBe('NOT_FOUND');
    expect(err.data.httpStatus).toBe(404);
    expect(err.message).toMatch(/NOPEUSDT/);
  });

  it('UNAUTHORIZED without a key or with a wrong one, saying which key and how to send it', async () => {
    const input = { symbol: 'BTCUSDT', interval: '1m' as const, candles: [{ time: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 }] };
    for (const caller of [client, createWickClient({ url: wick.url, apiKey: 'not-a-key' })]) {
      const err = await failure(caller.candles.ingest.mutate(input));
      expect(errorCode(err)).toBe('UNAUTHORIZED');
      expect(err.data.httpStatus).toBe(401);
      expect(err.message).toMatch(/ingest API key.*Authorization: Bearer/);
    }
  });

  it('TOO_MANY_REQUESTS past the limit, with retryAfterMs within the window', async () => {
    const limitedClient = createWickClient({ url: limited.url, apiKey: 'limited-key' });
    for (let i = 0; i < RATE_LIMIT; i++) await limitedClient.indicators.catalog.query();
    const err = await failure(limitedClient.indicators.catalog.query());
    expect(errorCode(err)).toBe('TOO_MANY_REQUESTS');
    expect(err.data.httpStatus).toBe(429);
    expect(err.data.retryAfterMs).toBeGreaterThan(0);
    expect(err.data.retryAfterMs).toBeLessThanOrEqual(RATE_WINDOW_MS);
    expect(err.message).toMatch(/retry in \d+ s/);
  });

  it('errorCode is null for anything that is not a tRPC error', () => {
    expect(errorCode(new Error('plain'))).toBeNull();
    expect(errorCode('BAD_REQUEST')).toBeNull();
    expect(errorCode(undefined)).toBeNull();
  });
});
