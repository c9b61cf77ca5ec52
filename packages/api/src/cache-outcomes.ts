/** What a request's cache lookups came to; the slow-call log and the hit-ratio metrics report it. */
export interface CacheOutcomes {
  hit: number;
  miss: number;
  stale: number;
  bypass: number;
}

export function emptyCacheOutcomes(): CacheOutcomes {
  return { hit: 0, miss: 0, stale: 0, bypass: 0 };
}
