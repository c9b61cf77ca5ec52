// What the in-process live tests share: a caller whose context carries a live hub (subscriptions are
// then called directly, so a test decides when a subscriber reads), and the next event of one.
import { pino } from 'pino';
import { apiKeyId, appRouter, createCallerFactory, createContextFactory, type ApiConfig, type LiveHub } from '../../src/index.ts';
import type { ApiHarness } from './api-harness.ts';

const createCaller = createCallerFactory(appRouter);

/** A caller as the API builds one per request, for `apiKey` (null: none) from `ip`. */
export function liveCaller(h: ApiHarness, hub: LiveHub, config: ApiConfig, apiKey: string | null = null, ip = '127.0.0.1') {
  const contextFor = createContextFactory({
    services: h.services,
    config,
    log: pino({ level: 'silent' }),
    metrics: h.metrics,
    live: hub,
  });
  return createCaller(contextFor({ ip, apiKey, apiKeyId: apiKey ? apiKeyId(apiKey) : null }));
}

/** A subscription's next event without its tracked envelope ([id, data] as tRPC yields it; id undefined when untracked). */
export async function nextEvent<E>(it: AsyncIterator<unknown>): Promise<{ id: string | undefined; data: E }> {
  const { value, done } = await it.next();
  if (done) throw new Error('the stream ended');
  if (Array.isArray(value)) return { id: value[0] as string, data: value[1] as E };
  const tracked = value as { id?: unknown; data?: unknown };
  return typeof tracked?.id === 'string' && 'data' in tracked
    ? { id: tracked.id, data: tracked.data as E }
    : { id: undefined, data: value as E };
}
