import type { ApiConfig } from '../api-config.ts';
import { keysEqual } from '../auth.ts';
import type { RequestInfo } from '../request-info.ts';

/**
 * Who a stream counts against: the caller's API key if it is one we issued, else its IP — the rule
 * the rate limit follows, so a made-up key per request cannot dodge the cap either.
 */
export function streamOwner(config: ApiConfig, request: RequestInfo): string {
  const given = request.apiKey;
  const { readKeys, ingestKeys, adminKeys } = config;
  const known = given !== null && [readKeys, ingestKeys, adminKeys].some((keys) => keys.some((k) => keysEqual(k, given)));
  return known ? `key:${request.apiKeyId}` : `ip:${request.ip}`;
}
