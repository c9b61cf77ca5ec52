import type { ApiConfig } from './api-config.ts';
import { keysEqual } from './auth.ts';
import type { RequestInfo } from './request-info.ts';

/**
 * Who a request counts against — for the rate limit and for the live-stream cap alike: the caller's API
 * key if it is one we issued, else its IP, so a made-up key per request cannot dodge either.
 */
export function callerIdentity(config: ApiConfig, request: RequestInfo): string {
  const given = request.apiKey;
  const { readKeys, ingestKeys, adminKeys } = config;
  const known = given !== null && [readKeys, ingestKeys, adminKeys].some((keys) => keys.some((k) => keysEqual(k, given)));
  return known ? `key:${request.apiKeyId}` : `ip:${request.ip}`;
}
