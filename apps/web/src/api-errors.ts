import { errorCode, TRPCClientError } from '@wick/client';

export { errorCode };

/** Why the server says a call failed (its error data's `reason`), as far as this screen knows them. */
export type FailureReason = 'rate_limited' | 'overloaded' | 'db_unavailable' | 'cache_unavailable' | 'timeout' | 'shutting_down';
const REASONS = new Set<string>(['rate_limited', 'overloaded', 'db_unavailable', 'cache_unavailable', 'timeout', 'shutting_down']);

function dataOf(err: unknown): Record<string, unknown> | undefined {
  return err instanceof TRPCClientError ? (err.data as Record<string, unknown> | undefined) : undefined;
}

/** How long the server asked us to wait (error data's retryAfterMs: rate limits, an overloaded engine), or null. */
export function retryAfterMs(err: unknown): number | null {
  const ms = dataOf(err)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** The server's machine-readable reason (error data's `reason`), or null: an older server, or not a retryable failure. */
export function failureReason(err: unknown): FailureReason | null {
  const reason = dataOf(err)?.reason;
  return typeof reason === 'string' && REASONS.has(reason) ? (reason as FailureReason) : null;
}

/**
 * Why the server shed the call ('in_flight', 'loop_delay'), or null. Admission control answers
 * SERVICE_UNAVAILABLE like a database outage does; only `shedReason` tells "busy, retry" from "database down".
 */
export function shedReason(err: unknown): string | null {
  if (!(err instanceof TRPCClientError) || errorCode(err) !== 'SERVICE_UNAVAILABLE') return null;
  const reason = dataOf(err)?.shedReason;
  return typeof reason === 'string' ? reason : null;
}

/** The server is busy, not broken: `reason` says so ('overloaded'), else (older servers) a shed answer does. */
export function isBusy(err: unknown): boolean {
  const reason = failureReason(err);
  return reason !== null ? reason === 'overloaded' : shedReason(err) !== null;
}

/** The database is down: `reason` says so, else (older servers) any SERVICE_UNAVAILABLE that was not shed. */
export function isDbUnavailable(err: unknown): boolean {
  const reason = failureReason(err);
  if (reason !== null) return reason === 'db_unavailable';
  return errorCode(err) === 'SERVICE_UNAVAILABLE' && shedReason(err) === null;
}

/** Failures worth retrying: the server or the network, not a request the server refused as wrong, nor a database that is down. */
export function isRetryable(err: unknown): boolean {
  const reason = failureReason(err);
  if (reason !== null) return reason !== 'db_unavailable';
  const code = errorCode(err);
  if (code === null) return true; // network failure: no tRPC answer at all
  return code === 'INTERNAL_SERVER_ERROR' || code === 'TIMEOUT' || code === 'TOO_MANY_REQUESTS' || shedReason(err) !== null;
}

const inSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** One line a trader can act on, for any failure. */
export function describeFailure(err: unknown): string {
  const code = errorCode(err);
  const wait = retryAfterMs(err);
  const retrying = wait !== null ? `retrying in ${inSeconds(wait)} s` : 'retrying';
  switch (failureReason(err)) {
    case 'overloaded':
      return `Server busy: ${retrying}.`;
    case 'rate_limited':
      return `Rate limited: ${retrying}.`;
    case 'db_unavailable':
      return 'The database is unavailable; showing what the cache still holds.';
    case 'cache_unavailable':
      return `The cache is unavailable: ${retrying}.`;
    case 'timeout':
      return `The server took too long: ${retrying}.`;
    case 'shutting_down':
      return `The server is restarting: ${retrying}.`;
    case null:
      break;
  }
  if (code === 'TOO_MANY_REQUESTS' && wait !== null) return `Rate limited: retrying in ${Math.ceil(wait / 1000)} s`;
  if (shedReason(err) !== null) return 'The server is busy; retrying.';
  if (code === 'SERVICE_UNAVAILABLE') return 'The database is unavailable; showing what the cache still holds.';
  if (err instanceof Error) return code ? `${code}: ${err.message}` : `Network error: ${err.message}`;
  return String(err);
}
