import { TRPCClientError } from '@wick/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeFailure, isRetryable, shedReason } from '../api-errors.ts';
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
