import { setTimeout as sleep } from 'node:timers/promises';
import { resolveOptions, type CacheOptions } from './options.ts';
import type { WickCache } from './types.ts';
import { ValkeyCache } from './valkey-cache.ts';

/**
 * Connects (bounded by connectTimeoutMs) and returns. If Valkey is down it still returns, with the
 * breaker open, and keeps connecting in the background; calls meanwhile go to their loaders.
 */
export async function createCache(options: CacheOptions): Promise<WickCache> {
  const cache = new ValkeyCache(resolveOptions(options));
  const deadline = sleep((options.connectTimeoutMs ?? 500) + 500, undefined, { ref: false });
  await Promise.race([cache.start(), deadline]);
  return cache;
}
