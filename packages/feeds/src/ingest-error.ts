import { TRPCClientError } from '@wick/client';

/** What a failed ingest call means for a feed: wait, back off and keep the data, or give it up. */
export type IngestFailure =
  /** TOO_MANY_REQUESTS: wait this long (the API's retryAfterMs, else its Retry-After header). */
  | { kind: 'rate-limited'; retryAfterMs: number; message: string }
  /** SERVICE_UNAVAILABLE, timeouts, 5xx, the server unreachable: back off, keep the latest state. */
  | { kind: 'unavailable'; message: string }
  /** The ingest key is missing or wrong: nothing will land until it is fixed; keep the data, back off. */
  | { kind: 'unauthorized'; message: string }
  /** BAD_REQUEST, NOT_FOUND…: this batch will never be accepted; log it and drop it. */
  | { kind: 'rejected'; code: string; message: string };

/** Codes that say "this input is wrong", so retrying the same batch cannot help. */
const REJECTED = new Set([
  'BAD_REQUEST',
  'NOT_FOUND',
  'PARSE_ERROR',
  'UNPROCESSABLE_CONTENT',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
  'METHOD_NOT_SUPPORTED',
]);
const UNAUTHORIZED = new Set(['UNAUTHORIZED', 'FORBIDDEN']);
const DEFAULT_RETRY_AFTER_MS = 1000;

export function classifyIngestError(err: unknown): IngestFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof TRPCClientError)) return { kind: 'unavailable', message };
  const data = err.data as { code?: unknown; retryAfterMs?: unknown } | null | undefined;
  const code = typeof data?.code === 'string' ? data.code : null;
  // No code: the request never got a tRPC answer (connection refused, reset, a proxy's HTML page).
  if (code === null) return { kind: 'unavailable', message };
  if (code === 'TOO_MANY_REQUESTS') return { kind: 'rate-limited', retryAfterMs: retryAfterOf(err, data), message };
  if (UNAUTHORIZED.has(code)) return { kind: 'unauthorized', message };
  if (REJECTED.has(code)) return { kind: 'rejected', code, message };
  return { kind: 'unavailable', message };
}

function retryAfterOf(err: TRPCClientError<never>, data: { retryAfterMs?: unknown } | null | undefined): number {
  if (typeof data?.retryAfterMs === 'number' && Number.isFinite(data.retryAfterMs) && data.retryAfterMs >= 0) return data.retryAfterMs;
  const response = (err.meta as { response?: { headers?: { get(name: string): string | null } } } | undefined)?.response;
  const header = Number(response?.headers?.get('retry-after'));
  return Number.isFinite(header) && header > 0 ? header * 1000 : DEFAULT_RETRY_AFTER_MS;
}
