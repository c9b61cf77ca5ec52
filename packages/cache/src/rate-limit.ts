import { z } from 'zod';
import { CacheConfigError } from './errors.ts';
import type { GuardedCall } from './guarded-call.ts';
import { safeSegment, type KeyBuilder } from './keys.ts';
import { RATE_LIMIT } from './scripts.ts';
import type { StatsRecorder } from './stats.ts';
import type { RateLimitResult } from './types.ts';

export interface RateLimiterDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  stats: StatsRecorder;
  nextToken: () => string;
}

const rateLimitSchema = z.object({
  id: z.string().min(1).max(16_384),
  limit: z.number().int().min(1).max(1_000_000),
  windowMs: z.number().int().min(1).max(86_400_000),
});

/**
 * Sliding-window rate limit, one script call per check, shared by every process. Fails open: when
 * Valkey cannot answer, the call is allowed and marked `degraded` (the cache never fails a request).
 */
export class RateLimiter {
  constructor(private readonly deps: RateLimiterDeps) {}

  async check(id: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const parsed = rateLimitSchema.safeParse({ id, limit, windowMs });
    if (!parsed.success) throw new CacheConfigError(`invalid rateLimit arguments: ${parsed.error.message}`);
    const { keys, valkey, stats } = this.deps;
    const key = `${keys.tagged(`rl:${safeSegment(id)}`)}rl`;
    const reply = await valkey.run('rate_limit', (client) =>
      client.invokeScript(RATE_LIMIT, { keys: [key], args: [String(limit), String(windowMs), this.deps.nextToken()] }),
    );
    if (!reply.ok) {
      stats.inc('rateLimitFailOpen');
      return { allowed: true, remaining: limit, retryAfterMs: 0, degraded: true };
    }
    const [allowed, remaining, retryAfterMs] = reply.value as [number, number, number];
    return { allowed: allowed === 1, remaining: Number(remaining), retryAfterMs: Number(retryAfterMs) };
  }
}
