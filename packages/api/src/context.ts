import type { Logger } from 'pino';
import type { ApiConfig } from './api-config.ts';
import { emptyCacheOutcomes } from './cache-outcomes.ts';
import type { LiveHub } from './live/live-hub.ts';
import type { ApiMetrics } from './metrics.ts';
import type { RequestInfo } from './request-info.ts';
import type { Services } from './services/create-services.ts';

/** What every request shares: built once per process. */
export interface ContextDeps {
  services: Services;
  config: ApiConfig;
  log: Logger;
  metrics: ApiMetrics;
  /** The process's live push (subscriptions); without it they answer SERVICE_UNAVAILABLE. */
  live?: LiveHub;
}

/** Builds a request's context from what the HTTP layer knows about it. */
export const createContextFactory = (deps: ContextDeps) => (request: RequestInfo) => ({
  ...deps,
  request,
  cacheOutcomes: emptyCacheOutcomes(),
});

export type Context = Awaited<ReturnType<ReturnType<typeof createContextFactory>>>;
