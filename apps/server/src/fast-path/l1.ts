import { LRUCache } from 'lru-cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Entry } from './entry.ts';

/** The in-process near-cache of stored answers, bounded by bytes (LRU), with its size and evictions as metrics. */
export interface L1 {
  get(key: string): Entry | undefined;
  set(key: string, entry: Entry): void;
  readonly bytes: number;
  readonly entries: number;
}

export function createL1(maxBytes: number, registry: Registry): L1 {
  const evictions = new Counter({
    name: 'wick_fast_path_l1_evictions_total',
    help: 'Stored answers dropped from the fast path L1 to stay under L1_MAX_BYTES',
    registers: [registry],
  });
  const lru = new LRUCache<string, Entry>({
    maxSize: maxBytes,
    // An entry above the whole bound is refused by lru-cache (not stored), which is what we want.
    sizeCalculation: (e) => Math.max(1, e.bytes),
    dispose: (_e, _k, reason) => {
      if (reason === 'evict') evictions.inc();
    },
  });
  new Gauge({
    name: 'wick_fast_path_l1_bytes',
    help: 'Bytes held by the fast path L1 (raw + gzip answers)',
    registers: [registry],
    collect() {
      this.set(lru.calculatedSize);
    },
  });
  new Gauge({
    name: 'wick_fast_path_l1_entries',
    help: 'Stored answers in the fast path L1',
    registers: [registry],
    collect() {
      this.set(lru.size);
    },
  });
  return {
    get: (key) => lru.get(key),
    set: (key, entry) => void lru.set(key, entry),
    get bytes() {
      return lru.calculatedSize;
    },
    get entries() {
      return lru.size;
    },
  };
}
