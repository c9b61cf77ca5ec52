import { errorCode, TRPCClientError } from '@wick/client';

export { errorCode };

/** How long the server asked us to wait (TOO_MANY_REQUESTS carries retryAfterMs), or null. */
export function retryAfterMs(err: unknown): number | null {
  if (!(err instanceof TRPCClientError)) return null;
  const ms = (err.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' && ms >= 0 ? ms : null;
}

/** Failures worth retrying: the server or the network, not a request the server refused as wrong. */
export function isRetryable(err: unknown): boolean {
  const code = errorCode(err);
  if (code === null) return true; // network failure: no tRPC answer at all
  return code === 'INTERNAL_SERVER_ERROR' || code === 'TIMEOUT' || code === 'TOO_MANY_REQUESTS';
}

/** One line a trader can act on, for any failure. */
export function describeFailure(err: unknown): string {
  const code = errorCode(err);
  const wait = retryAfterMs(err);
  if (code === 'TOO_MANY_REQUESTS' && wait !== null) return `Rate limited: retrying in ${Math.ceil(wait / 1000)} s`;
  if (code === 'SERVICE_UNAVAILABLE') return 'The database is unavailable; showing what the cache still holds.';
  if (err instanceof Error) return code ? `${code}: ${err.message}` : `Network error: ${err.message}`;
  return String(err);
}
