import { keysEqual } from './auth.ts';
import type { ApiConfig } from './api-config.ts';
import { RateLimitedError } from './errors.ts';
import type { RequestInfo } from './request-info.ts';
import type { Services } from './services/create-services.ts';

/**
 * The sliding-window limit every entry point shares (tRPC procedures and the HTTP exports): per
 * API key for keys we issued, else per client IP, so a made-up key per request cannot dodge it.
 * Throws RateLimitedError with the time to wait.
 */
export async function enforceRateLimit(services: Services, config: ApiConfig, request: RequestInfo): Promise<void> {
  const { limit, windowMs } = config.rateLimit;
  if (limit <= 0) return;
  const given = request.apiKey;
  const { readKeys, ingestKeys, adminKeys } = config;
  const known = given !== null && [readKeys, ingestKeys, adminKeys].some((keys) => keys.some((k) => keysEqual(k, given)));
  const id = known ? `key:${request.apiKeyId}` : `ip:${request.ip}`;
  const verdict = await services.rateLimit(id, limit, windowMs);
  if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterMs);
}
