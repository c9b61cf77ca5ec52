import { TRPCClientError } from '@wick/client';

/** The error @wick/client throws when the API answers with `code` (and extra error data such as retryAfterMs). */
export function apiError(code: string, data: Record<string, unknown> = {}): Error {
  return TRPCClientError.from({ error: { code: -32000, message: `${code} from the test`, data: { code, ...data } } });
}

/** What the client throws when the server cannot be reached at all. */
export function networkError(): Error {
  return TRPCClientError.from(new TypeError('fetch failed'));
}
