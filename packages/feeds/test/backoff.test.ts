import { describe, expect, it } from 'vitest';
import { Backoff, classifyIngestError } from '../src/index.ts';
import { apiError, networkError } from './support/api-error.ts';

describe('Backoff', () => {
  it('doubles up to its cap and starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect(Array.from({ length: 6 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('jitters each delay down by up to its share, never above the ceiling', () => {
    const draws = [0, 0.5, 0.999];
    const b = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5, random: () => draws.shift()! });
    expect([b.next(), b.next(), b.next()]).toEqual([1000, 750, 500]);
  });
});

describe('classifyIngestError', () => {
  it('maps API answers to what a feed should do', () => {
    expect(classifyIngestError(apiError('TOO_MANY_REQUESTS', { retryAfterMs: 1500 }))).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 1500,
    });
    expect(classifyIngestError(apiError('TOO_MANY_REQUESTS'))).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1000 });
    expect(classifyIngestError(apiError('SERVICE_UNAVAILABLE')).kind).toBe('unavailable');
    expect(classifyIngestError(apiError('TIMEOUT')).kind).toBe('unavailable');
    expect(classifyIngestError(apiError('INTERNAL_SERVER_ERROR')).kind).toBe('unavailable');
    expect(classifyIngestError(networkError()).kind).toBe('unavailable');
    expect(classifyIngestError(new Error('socket hang up')).kind).toBe('unavailable');
    expect(classifyIngestError(apiError('UNAUTHORIZED')).kind).toBe('unauthorized');
    expect(classifyIngestError(apiError('BAD_REQUEST'))).toMatchObject({ kind: 'rejected', code: 'BAD_REQUEST' });
    expect(classifyIngestError(apiError('NOT_FOUND'))).toMatchObject({ kind: 'rejected', code: 'NOT_FOUND' });
  });
});
