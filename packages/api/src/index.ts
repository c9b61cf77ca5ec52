// Public face of @wick/api: exports only. Other packages import from here, never from inner files.
export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from './root.ts';
export { createCallerFactory } from './trpc.ts';
export { createContextFactory, type Context, type ContextDeps } from './context.ts';
export type { ApiConfig } from './api-config.ts';
export type { RequestInfo } from './request-info.ts';
export { createServices, type Services, type ServiceDeps } from './services/create-services.ts';
export type { IndicatorResult, BatchItem } from './services/indicators.ts';
export { createApiMetrics, type ApiMetrics } from './metrics.ts';
export { apiKeyFromHeaders, apiKeyId } from './auth.ts';
export { toTRPCError, retryHintOf, RateLimitedError } from './errors.ts';
export { enforceRateLimit } from './rate-limit.ts';
export { liquidationFilter } from './router/liquidations.ts';
export { createLiveHub, type LiveHub, type LiveHubDeps } from './live/live-hub.ts';
export type { LiveConfig } from './live/live-config.ts';
export type {
  CandleLiveEvent,
  IndicatorLiveEvent,
  IndicatorManyEvent,
  IndicatorUpdateEvent,
  IndicatorWindowEvent,
  LiquidationLiveEvent,
} from './live/live-events.ts';
export { FAST_PROCEDURES, type FastProcedure } from './fast-path-procedures.ts';
