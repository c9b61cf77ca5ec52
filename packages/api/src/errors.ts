import { TRPCError } from '@trpc/server';
import { CacheTimeoutError, CacheUnavailableError } from '@wick/cache';
import { DbUnavailableError, InvalidQueryError, UnknownSymbolError } from '@wick/db';
import { EngineClosedError, EngineError, EngineOverloadedError, EngineTimeoutError } from '@wick/engine';
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

/**
 * The process is shutting down (a stream opened meanwhile, the engine closed): another process
 * answers a retry at once.
 */
export class ShuttingDownError extends Error {
  readonly retryAfterMs = SHUTDOWN_RETRY_AFTER_MS;
  constructor(message = 'This server is shutting down; retry, and another one answers.') {
    super(message);
    this.name = 'ShuttingDownError';
  }
}
const SHUTDOWN_RETRY_AFTER_MS = 1000;

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
  if (err instanceof DbUnavailableError || err instanceof ShuttingDownError) return 'SERVICE_UNAVAILABLE';
  // The cache bypasses itself when Valkey is away, so these should never reach a caller; if one does,
  // it is Valkey's absence (retry), not a bug.
  if (err instanceof CacheUnavailableError || err instanceof CacheTimeoutError) return 'SERVICE_UNAVAILABLE';
  // The db's own checks of what it is asked to write (a candle not aligned to its interval, a
  // higher interval written where 1m rolls it up): its message says what to change.
  if (err instanceof InvalidQueryError) return 'BAD_REQUEST';
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * Why a retryable failure happened, machine-readable in every error's `data.reason` (clients pick
 * their retry from it, not from the message or from the code: one 503 is "shed, retry now
 * elsewhere", another "MySQL is down"). `shutting_down`: this process is closing; another answers.
 */
export const RETRY_REASONS = ['rate_limited', 'overloaded', 'db_unavailable', 'cache_unavailable', 'timeout', 'shutting_down'] as const;
export type RetryReason = (typeof RETRY_REASONS)[number];

export interface RetryHint {
  reason: RetryReason;
  /** When the server knows when a retry can succeed (rate limit window, a queue's drain time). */
  retryAfterMs?: number;
}

/** The retry hint of a failure (a mapped TRPCError is looked through to its cause); undefined: not retryable. */
export function retryHintOf(err: unknown): RetryHint | undefined {
  const cause = err instanceof TRPCError && err.cause ? err.cause : err;
  const after = (reason: RetryReason, retryAfterMs: number | undefined): RetryHint =>
    retryAfterMs !== undefined && retryAfterMs > 0 ? { reason, retryAfterMs } : { reason };
  if (cause instanceof RateLimitedError) return after('rate_limited', cause.retryAfterMs);
  if (cause instanceof EngineOverloadedError) return after('overloaded', cause.retryAfterMs);
  if (cause instanceof EngineClosedError || cause instanceof ShuttingDownError) return after('shutting_down', cause.retryAfterMs);
  if (cause instanceof DbUnavailableError) return { reason: 'db_unavailable' };
  if (cause instanceof CacheUnavailableError || cause instanceof CacheTimeoutError) return { reason: 'cache_unavailable' };
  if (cause instanceof BudgetExceededError || cause instanceof EngineTimeoutError) return { reason: 'timeout' };
  // An engine task aborted: by the request's budget (the only abort the API sends one).
  if (cause instanceof EngineError && cause.code === 'ABORTED') return { reason: 'timeout' };
  return undefined;
}

/** What a per-item failure carries inside a batch answer: a procedure error's code, message and field issues. */
export interface ErrorDescription {
  code: TRPCError['code'];
  message: string;
  /** For bad input (bad indicator params included), as a procedure's error data has them. */
  issues?: { path: string; message: string }[];
  fieldErrors?: Record<string, string[] | undefined>;
  /** As a procedure's error data has them: why a retry may succeed, and when. */
  reason?: RetryReason;
  retryAfterMs?: number;
}

export function describeError(err: unknown): ErrorDescription {
  const mapped = toTRPCError(err);
  const out: ErrorDescription = { code: mapped.code, message: mapped.message, ...retryHintOf(mapped) };
  if (mapped.cause instanceof z.ZodError) {
    out.issues = mapped.cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    out.fieldErrors = z.flattenError(mapped.cause).fieldErrors as Record<string, string[] | undefined>;
  }
  return out;
}
