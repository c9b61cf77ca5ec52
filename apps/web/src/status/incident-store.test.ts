import { TRPCClientError } from '@wick/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeFailure, failureReason, isRetryable, retryAfterMs, shedReason } from '../api-errors.ts';
import { peekIncidents, recordFailure, resetIncidents } from './incident-store.ts';

const failure = (code: string, data: Record<string, unknown> = {}) =>
  TRPCClientError.from({ error: { message: code, code: -32603, data: { code, httpStatus: 503, ...data } } });

describe('what a failure means for the banners', () => {
  beforeEach(() => resetIncidents());

  it('a shed answer (admission control) is "busy, retry", never "database down"', () => {
    const shed = failure('SERVICE_UNAVAILABLE', { shedReason: 'in_flight' });
    expect(shedReason(shed)).toBe('in_flight');
    expect(isRetryable(shed)).toBe(true);
    expect(describeFailure(shed)).toBe('The server is busy; retrying.');
  });

  it('SERVICE_UNAVAILABLE without a shed reason is the database, and is not retried', () => {
    const down = failure('SERVICE_UNAVAILABLE');
    expect(shedReason(down)).toBeNull();
    expect(isRetryable(down)).toBe(false);
    expect(describeFailure(down)).toMatch(/database is unavailable/);
  });

  it('recordFailure files each under its own incident', () => {
    recordFailure(failure('SERVICE_UNAVAILABLE', { shedReason: 'loop_delay' }), 1000);
    expect(peekIncidents()).toEqual({ dbUnavailableAt: null, rateLimitedUntil: null, busyUntil: 2000 });
    recordFailure(failure('SERVICE_UNAVAILABLE'), 3000);
    expect(peekIncidents()).toMatchObject({ dbUnavailableAt: 3000 });
  });
});

describe('the machine-readable reason, when the server sends one', () => {
  beforeEach(() => resetIncidents());

  it("'overloaded' is busy for retryAfterMs, said in seconds, and retried", () => {
    const busy = failure('SERVICE_UNAVAILABLE', { reason: 'overloaded', retryAfterMs: 2500 });
    expect(failureReason(busy)).toBe('overloaded');
    expect(retryAfterMs(busy)).toBe(2500);
    expect(isRetryable(busy)).toBe(true);
    expect(describeFailure(busy)).toBe('Server busy: retrying in 3 s.');
    recordFailure(busy, 1000);
    expect(peekIncidents()).toEqual({ dbUnavailableAt: null, rateLimitedUntil: null, busyUntil: 3500 });
  });

  it("'overloaded' without retryAfterMs is busy for the server's default second", () => {
    const busy = failure('SERVICE_UNAVAILABLE', { reason: 'overloaded' });
    expect(describeFailure(busy)).toBe('Server busy: retrying.');
    recordFailure(busy, 1000);
    expect(peekIncidents().busyUntil).toBe(2000);
  });

  it("'db_unavailable' is the database, not retried; the reason wins over a shed field", () => {
    const down = failure('SERVICE_UNAVAILABLE', { reason: 'db_unavailable', shedReason: 'in_flight' });
    expect(isRetryable(down)).toBe(false);
    expect(describeFailure(down)).toBe('The database is unavailable; showing what the cache still holds.');
    recordFailure(down, 1000);
    expect(peekIncidents()).toEqual({ dbUnavailableAt: 1000, rateLimitedUntil: null, busyUntil: null });
  });

  it("a 503 for another reason ('cache_unavailable') is neither the database nor busy, and is retried", () => {
    const cache = failure('SERVICE_UNAVAILABLE', { reason: 'cache_unavailable' });
    expect(isRetryable(cache)).toBe(true);
    expect(describeFailure(cache)).toBe('The cache is unavailable: retrying.');
    recordFailure(cache, 1000);
    expect(peekIncidents()).toEqual({ dbUnavailableAt: null, rateLimitedUntil: null, busyUntil: null });
  });

  it("an unknown reason is ignored: today's behaviour by code", () => {
    const odd = failure('SERVICE_UNAVAILABLE', { reason: 'solar_flare' });
    expect(failureReason(odd)).toBeNull();
    expect(isRetryable(odd)).toBe(false);
    expect(describeFailure(odd)).toMatch(/database is unavailable/);
  });
});
