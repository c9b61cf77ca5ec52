import { errorCode, TRPCClientError } from '@wick/client';

export { errorCode };

/** How long the server asked us to wait (TOO_MANY_REQUESTS carries retryAfterMs), or null. */
export function retryAfterMs(err: unknown): number | null {
  if (!(err instanceof TRPCClientError)) return null;
  const ms = (err.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' && ms >= 0 ? ms : null;
}

/**
 * Why the server shed the call ('in_flight', 'loop_delay'), or null. Admission control answers
 * SERVICE_UNAVAILABLE like a database outage does; only `shedReason` tells "busy, retry" from "database down".
 */
export function shedReason(err: unknown): string | null {
  if (!(err instanceof TRPCClientError) || errorCode(err) !== 'SERVICE_UNAVAILABLE') return null;
  const reason = (err.data as { shedReason?: unknown } | undefined)?.shedReason;
  return typeof reason === 'string' ? reason : null;
}

/** Failures worth retrying: the server or the network, not a request the server refused as wrong. */
export function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  if (code === null) return true; // network failure: no tRPC answer at all
  return code === 'INTERNAL_SERVER_ERROR' || code === 'TIMEOUT' || code === 'TOO_MANY_REQUESTS' || shedReason(err) !== null;
}

/** One line a trader can act on, for any failure. */
export function describeFailure(err: unknown): string {
  const code = errorCode(err);
  const wait = retryAfterMs(err);
  if (code === 'TOO_MANY_REQUESTS' && wait !== null) return `Rate limited: retrying in ${Math.ceil(wait / 1000)} s`;
  if (shedReason(err) !== null) return 'The server is busy; retrying.';
  if (code === 'SERVICE_UNAVAILABLE') return 'The database is unavailable; showing what the cache still holds.';
  if (err instanceof Error) return code ? `${code}: ${err.message}` : `Network error: ${err.message}`;
  return String(err);
}
