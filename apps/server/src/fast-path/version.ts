import type { CacheVersion, SeriesRef } from '@wick/cache';

export const seriesId = (s: SeriesRef): string => `${s.symbol}:${s.interval}`;

/** Generations are decimal integers (server time based); anything else only compares equal. */
function compareGen(a: string, b: string): number | null {
  if (a === b) return 0;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return null;
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : 1;
}

/** True when `v` is `base` or later (same generation and a head rev not older, or a newer generation). */
export function atLeast(v: CacheVersion, base: CacheVersion): boolean {
  const gen = compareGen(v.gen, base.gen);
  if (gen === null) return false;
  return gen > 0 || (gen === 0 && v.headRev >= base.headRev);
}

export const versionText = (v: CacheVersion): string => `${v.gen}.${v.headRev}`;
