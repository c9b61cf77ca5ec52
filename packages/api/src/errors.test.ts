import { TRPCError } from '@trpc/server';
import { DbUnavailableError, UnknownSymbolError } from '@wick/db';
import { EngineAbortedError, EngineOverloadedError, EngineTaskError, EngineTimeoutError } from '@wick/engine';
import { InvalidParamsError, NotEnoughDataError, UnknownIndicatorError } from '@wick/indicators';
import { describe, expect, it } from 'vitest';
import { BudgetExceededError, NotFoundError, RateLimitedError, toTRPCError } from './errors.ts';

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
