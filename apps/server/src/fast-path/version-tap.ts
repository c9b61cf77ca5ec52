import type { Cached, CacheKey, CacheVersion, GetOrLoadOptions, WickCache } from '@wick/cache';
import { atLeast, namespaceId, seriesId } from './version.ts';

/**
 * Watches what the cache answers while a fast-path miss runs through tRPC. tRPC's answer does not say
 * which version it was read at, and a reader may join an in-process flight that started before a
 * write (on another process) landed; so while a miss is in flight, every getOrLoad of its series, or
 * of a `global` key of its namespaces, that completes is checked against the version the fast path
 * read before dispatching (ids as version.ts's sourceId). One older (or a bypass, a stale answer, an
 * error) spoils the capture: it is not stored. Other requests' reads of the series or namespace count
 * too, which is conservative (a store is skipped), never wrong.
 */
export class VersionTap {
  private readonly watches = new Map<string, Set<Watch>>();

  /** The cache the services use: the same object, with getOrLoad observed. */
  wrap(cache: WickCache): WickCache {
    const getOrLoad = cache.getOrLoad.bind(cache);
    const observed = async <T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>> => {
      const id = key.kind === 'global' ? namespaceId(key.namespace) : seriesId(key.series);
      if (!this.watches.has(id)) return getOrLoad(key, loader, options);
      try {
        const cached = await getOrLoad(key, loader, options);
        this.check(id, cached);
        return cached;
      } catch (err) {
        this.spoil(id);
        throw err;
      }
    };
    const bound = new Map<PropertyKey, unknown>();
    return new Proxy(cache, {
      get(target, prop) {
        if (prop === 'getOrLoad') return observed;
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        let fn = bound.get(prop);
        if (!fn) bound.set(prop, (fn = (value as (...args: unknown[]) => unknown).bind(target)));
        return fn;
      },
    });
  }

  /** Starts watching sources (by sourceId) at the versions read before dispatch; `done` ends it and says whether it stayed clean. */
  watch(versions: Map<string, CacheVersion>): { done(): boolean } {
    const watch: Watch = { versions, clean: true };
    for (const id of versions.keys()) {
      let set = this.watches.get(id);
      if (!set) this.watches.set(id, (set = new Set()));
      set.add(watch);
    }
    return {
      done: () => {
        for (const id of versions.keys()) {
          const set = this.watches.get(id);
          set?.delete(watch);
          if (set?.size === 0) this.watches.delete(id);
        }
        return watch.clean;
      },
    };
  }

  private check(id: string, cached: Cached<unknown>): void {
    const usable = cached.version !== null && (cached.status === 'hit' || cached.status === 'miss');
    for (const w of this.watches.get(id) ?? []) {
      const base = w.versions.get(id)!;
      if (!usable || !atLeast(cached.version!, base)) w.clean = false;
    }
  }

  private spoil(id: string): void {
    for (const w of this.watches.get(id) ?? []) w.clean = false;
  }
}

interface Watch {
  versions: Map<string, CacheVersion>;
  clean: boolean;
}
