import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { Logger } from 'pino';
import type { AppRouter } from './root.ts';
import type { ApiConfig, Context, RequestInfo } from './context.ts';
import type { ApiMetrics } from './metrics.ts';
import type { Services } from './services/index.ts';

export { appRouter, type AppRouter } from './root.ts';
export { createCallerFactory } from './trpc.ts';
export { createServices, type Services, type ServiceDeps, type IndicatorResult, type BatchItem } from './services/index.ts';
export { createApiMetrics, type ApiMetrics } from './metrics.ts';
export { apiKeyFromHeaders, apiKeyId } from './auth.ts';
export { toTRPCError, RateLimitedError } from './errors.ts';
export { enforceRateLimit } from './rate-limit.ts';
export { liquidationFilter } from './router/liquidations.ts';
export type { ApiConfig, Context, RequestInfo } from './context.ts';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Builds a request's context from what the HTTP layer knows about it. */
export function createContextFactory(deps: { services: Services; config: ApiConfig; log: Logger; metrics: ApiMetrics }) {
  return (request: RequestInfo): Context => ({
    ...deps,
    request,
    cacheOutcomes: { hit: 0, miss: 0, stale: 0, bypass: 0 },
  });
}
