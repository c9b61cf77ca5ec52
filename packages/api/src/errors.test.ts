import { TRPCError } from '@trpc/server';
import { CacheUnavailableError } from '@wick/cache';
import { DbUnavailableError, UnknownSymbolError } from '@wick/db';
import { EngineAbortedError, EngineClosedError, EngineOverloadedError, EngineTaskError, EngineTimeoutError } from '@wick/engine';
import { InvalidParamsError, NotEnoughDataError, UnknownIndicatorError } from '@wick/indicators';
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  describeError,
  NotFoundError,
  RateLimitedError,
  retryHintOf,
  ShuttingDownError,
  toTRPCError,
  type RetryHint,
} from './errors.ts';

describe('toTRPCError', () => {
  const cases: [unknown, TRPCError['code']][] = [
    [new RateLimitedError(1500), 'TOO_MANY_REQUESTS'],
    [new BudgetExceededError(5000), 'TIMEOUT'],
    [new NotFoundError('Unknown symbol X'), 'NOT_FOUND'],
    [new UnknownSymbolError('unknown symbol X'), 'NOT_FOUND'],
    [new UnknownIndicatorError('nope', ['rsi']), 'BAD_REQUEST'],
    [new InvalidParamsError('rsi', [{ path: 'period', message: 'must be ≥ 2' }]), 'BAD_REQUEST'],
    [new NotEnoughDataError('rsi', 'period=14', 15, 3), 'BAD_REQUEST'],
    [new EngineOverloadedError(64), 'TOO_MANY_REQUESTS'],
    [new EngineTimeoutError(5000), 'TIMEOUT'],
    [new EngineAbortedError(), 'TIMEOUT'],
    [new EngineTaskError('INVALID_PARAMS', 'period must be ≥ 2'), 'BAD_REQUEST'],
    [new EngineTaskError('WORKER_FAILED', 'worker died'), 'INTERNAL_SERVER_ERROR'],
    [new DbUnavailableError('database unavailable (ECONNREFUSED)'), 'SERVICE_UNAVAILABLE'],
    [new Error('boom'), 'INTERNAL_SERVER_ERROR'],
    ['a string', 'INTERNAL_SERVER_ERROR'],
  ];
  for (const [err, code] of cases) {
    it(`${(err as Error).constructor?.name ?? typeof err} → ${code}`, () => {
      expect(toTRPCError(err).code).toBe(code);
    });
  }

  it('unwraps the INTERNAL wrapper tRPC puts around a resolver error', () => {
    const wrapped = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: new DbUnavailableError('down') });
    expect(toTRPCError(wrapped).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('never passes an unknown failure message to the client', () => {
    const mapped = toTRPCError(new Error('ER_ACCESS_DENIED for user root at 10.0.0.3'));
    expect(mapped.message).not.toMatch(/root|10\.0\.0\.3/);
  });
});

describe('retryHintOf: why a retry may succeed, and when', () => {
  const cases: [unknown, TRPCError['code'], RetryHint | undefined][] = [
    [new RateLimitedError(1500), 'TOO_MANY_REQUESTS', { reason: 'rate_limited', retryAfterMs: 1500 }],
    [new EngineOverloadedError(64), 'TOO_MANY_REQUESTS', { reason: 'overloaded', retryAfterMs: 1000 }],
    [new EngineClosedError(), 'SERVICE_UNAVAILABLE', { reason: 'shutting_down', retryAfterMs: 1000 }],
    [new ShuttingDownError(), 'SERVICE_UNAVAILABLE', { reason: 'shutting_down', retryAfterMs: 1000 }],
    [new DbUnavailableError('database unavailable (ECONNREFUSED)'), 'SERVICE_UNAVAILABLE', { reason: 'db_unavailable' }],
    [new CacheUnavailableError('not connected'), 'SERVICE_UNAVAILABLE', { reason: 'cache_unavailable' }],
    [new BudgetExceededError(5000), 'TIMEOUT', { reason: 'timeout' }],
    [new EngineTimeoutError(5000), 'TIMEOUT', { reason: 'timeout' }],
    [new EngineAbortedError(), 'TIMEOUT', { reason: 'timeout' }],
    [new NotFoundError('Unknown symbol X'), 'NOT_FOUND', undefined],
    [new NotEnoughDataError('rsi', 'period=14', 15, 3), 'BAD_REQUEST', undefined],
    [new Error('boom'), 'INTERNAL_SERVER_ERROR', undefined],
  ];
  for (const [err, code, hint] of cases) {
    it(`${(err as Error).constructor.name} → ${code} ${hint?.reason ?? '(none)'}`, () => {
      const mapped = toTRPCError(err);
      expect(mapped.code).toBe(code);
      expect(retryHintOf(mapped)).toEqual(hint);
      // Batch items and dashboard sections describe a failure with the same fields.
      const described = describeError(err);
      expect([described.code, described.reason, described.retryAfterMs]).toEqual([code, hint?.reason, hint?.retryAfterMs]);
    });
  }
});
