import type { CacheVersion, SeriesRef } from '@wick/cache';

/**
 * What a stored answer's version is read from: a series (generation + head rev, readVersion) or a
 * `global` cache namespace (its generation, readNamespaceVersion). Both are CacheVersions and
 * compare the same way (a namespace's head rev is always 0).
 */
export type VersionSource = { kind: 'series'; series: SeriesRef } | { kind: 'namespace'; namespace: string };

export const seriesId = (s: SeriesRef): string => `${s.symbol}:${s.interval}`;
/** `#` is outside every symbol (and a series id always has its interval after a `:`): never a series id. */
export const namespaceId = (namespace: string): string => `#ns:${namespace}`;
/** The fast path's id of a version source (in keys, ETags and the version tap's watches). */
export const sourceId = (s: VersionSource): string => (s.kind === 'series' ? seriesId(s.series) : namespaceId(s.namespace));

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
