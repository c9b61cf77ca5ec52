import type { ApiConfig } from './api-config.ts';
import { callerIdentity } from './caller-identity.ts';
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
  const verdict = await services.rateLimit(callerIdentity(config, request), limit, windowMs);
  if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterMs);
}
