import { TRPCError } from '@trpc/server';
import { DbUnavailableError, InvalidQueryError, UnknownSymbolError } from '@wick/db';
import { EngineError, EngineOverloadedError, EngineTimeoutError } from '@wick/engine';
import { IndicatorError, InvalidParamsError } from '@wick/indicators';
import { z } from 'zod';
import { TooManyBucketsError } from './buckets.ts';
import { InvalidCursorError } from './cursor.ts';

export class RateLimitedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Rate limit reached: retry in ${Math.ceil(retryAfterMs / 1000)} s (retryAfterMs in the error data).`);
    this.name = 'RateLimitedError';
  }
}

export class BudgetExceededError extends Error {
  constructor(readonly budgetMs: number) {
    super(`The request did not finish within its ${budgetMs} ms budget; ask for fewer candles or fewer items.`);
    this.name = 'BudgetExceededError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** One place that decides which tRPC code a failure becomes; unknown failures never leak details. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) {
    // tRPC wraps resolver errors as INTERNAL_SERVER_ERROR with the original as cause.
    if (err.code === 'INTERNAL_SERVER_ERROR' && err.cause && !(err.cause instanceof TRPCError)) {
      const mapped = toTRPCError(err.cause);
      return mapped.code === 'INTERNAL_SERVER_ERROR' ? err : mapped;
    }
    return err;
  }
  const code = codeOf(err);
  if (code === 'INTERNAL_SERVER_ERROR') {
    return new TRPCError({ code, message: 'Internal error; it has been logged.', cause: err });
  }
  // Bad params are bad input found one step later (against the registry): the cause is the ZodError
  // they amount to, so the answer carries the same `issues` and `fieldErrors` as any input error.
  if (err instanceof InvalidParamsError) return new TRPCError({ code, message: err.message, cause: paramsZodError(err) });
  return new TRPCError({ code, message: (err as Error).message, cause: err as Error });
}

/**
 * An indicator's param issues as input issues under `params` (`period` → `params.period`). A
 * ZodRealError (an Error, as `parse` throws), so TRPCError keeps it as its cause.
 */
export function paramsZodError(err: InvalidParamsError): z.ZodError {
  return new z.ZodRealError(
    err.issues.map((i) => ({
      code: 'custom' as const,
      path: ['params', ...(i.path ? i.path.split('.') : [])],
      message: i.message,
      input: undefined,
    })),
  );
}

/** Engine failures by their stable code; WORKER_FAILED and anything new stay internal. */
const ENGINE_CODES: Record<string, TRPCError['code']> = {
  ABORTED: 'TIMEOUT',
  INVALID_PARAMS: 'BAD_REQUEST',
  NOT_ENOUGH_DATA: 'BAD_REQUEST',
  UNKNOWN_INDICATOR: 'BAD_REQUEST',
  INVALID_INPUT: 'BAD_REQUEST',
  CLOSED: 'SERVICE_UNAVAILABLE',
};

function codeOf(err: unknown): TRPCError['code'] {
  if (err instanceof RateLimitedError) return 'TOO_MANY_REQUESTS';
  if (err instanceof BudgetExceededError) return 'TIMEOUT';
  if (err instanceof NotFoundError || err instanceof UnknownSymbolError) return 'NOT_FOUND';
  if (err instanceof IndicatorError || err instanceof InvalidCursorError || err instanceof TooManyBucketsError) return 'BAD_REQUEST';
  if (err instanceof EngineOverloadedError) return 'TOO_MANY_REQUESTS';
  if (err instanceof EngineTimeoutError) return 'TIMEOUT';
  if (err instanceof EngineError) return ENGINE_CODES[err.code] ?? 'INTERNAL_SERVER_ERROR';
  if (err instanceof DbUnavailableError) return 'SERVICE_UNAVAILABLE';
  // The db's own checks of what it is asked to write (a candle not aligned to its interval, a
  // higher interval written where 1m rolls it up): its message says what to change.
  if (err instanceof InvalidQueryError) return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

/** What a per-item failure carries inside a batch answer: a procedure error's code, message and field issues. */
export interface ErrorDescription {
  code: TRPCError['code'];
  message: string;
  /** For bad input (bad indicator params included), as a procedure's error data has them. */
  issues?: { path: string; message: string }[];
  fieldErrors?: Record<string, string[] | undefined>;
}

export function describeError(err: unknown): ErrorDescription {
  const mapped = toTRPCError(err);
  const out: ErrorDescription = { code: mapped.code, message: mapped.message };
  if (mapped.cause instanceof z.ZodError) {
    out.issues = mapped.cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    out.fieldErrors = z.flattenError(mapped.cause).fieldErrors as Record<string, string[] | undefined>;
  }
  return out;
}
