import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CacheConfigError } from './errors.ts';
import { intervalSchema, type Interval } from './ttl.ts';

export interface SeriesRef {
  symbol: string;
  interval: Interval;
}

export type CacheKey =
  | { kind: 'candles'; series: SeriesRef; window: string }
  | { kind: 'indicator'; series: SeriesRef; indicator: string; params: string; window: string }
  | { kind: 'global'; namespace: string; id: string };

/**
 * A key resolved into its Valkey keys, all sharing the `{tag}` (one slot), so a hit is one MGET of
 * [genKey, valueKey]: the stored value carries the generation it was written at, and a value whose
 * generation is not the current one is a miss (see envelope.ts and DESIGN notes in cache.ts).
 */
export interface ResolvedKey {
  /** Stable id of the logical entry: single-flight map key (= valueKey). */
  id: string;
  /** The `{…}` hash tag, identifies the series (or global namespace). */
  tag: string;
  genKey: string;
  valueKey: string;
  lockKey: string;
}

const SAFE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A user string made safe for a key segment: short plain strings pass unchanged (readable keys);
 * anything else (braces, colons, spaces, huge) becomes `#` + a hash. `#` is outside SAFE, so an
 * escaped segment can never equal a plain one, and no `{`, `}` or `:` ever reaches the key.
 */
export function safeSegment(s: string): string {
  if (SAFE.test(s)) return s;
  return '#' + shortHash(s);
}

export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 22);
}

/**
 * Canonical params string: keys sorted recursively, defaults applied first. `{period:14}` and `{}`
 * with default period 14 give the same string, hence the same entry.
 */
export function canonicalParams(params: Record<string, unknown>, defaults: Record<string, unknown> = {}): string {
  return JSON.stringify(sortDeep({ ...defaults, ...dropUndefined(params) }));
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sortDeep(o[k])]),
    );
  }
  return v;
}

export const prefixSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'prefix: 1–32 of [A-Za-z0-9_-]');
const text = z.string().min(1).max(16_384);
const seriesSchema = z.object({ symbol: text, interval: intervalSchema });
const keySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('candles'), series: seriesSchema, window: text }),
  z.object({ kind: z.literal('indicator'), series: seriesSchema, indicator: text, params: z.string().max(16_384), window: text }),
  z.object({ kind: z.literal('global'), namespace: text, id: text }),
]);

const INTERVAL_SET: ReadonlySet<string> = new Set(intervalSchema.options);
const okText = (s: unknown): boolean => typeof s === 'string' && s.length >= 1 && s.length <= 16_384;

function looksValid(k: CacheKey): boolean {
  if (typeof k !== 'object' || k === null) return false;
  switch (k.kind) {
    case 'candles':
      return okText(k.series?.symbol) && INTERVAL_SET.has(k.series?.interval) && okText(k.window);
    case 'indicator':
      return (
        okText(k.series?.symbol) &&
        INTERVAL_SET.has(k.series?.interval) &&
        okText(k.window) &&
        okText(k.indicator) &&
        typeof k.params === 'string' &&
        k.params.length <= 16_384
      );
    case 'global':
      return okText(k.namespace) && okText(k.id);
    default:
      return false;
  }
}

export function seriesTag(series: SeriesRef): string {
  return `${safeSegment(series.symbol)}:${series.interval}`;
}

export class KeyBuilder {
  constructor(readonly prefix: string) {}

  tagged(tag: string): string {
    return `${this.prefix}:{${tag}}:`;
  }

  genKeyOfTag(tag: string): string {
    return `${this.tagged(tag)}gen`;
  }

  genKey(series: SeriesRef): string {
    return this.genKeyOfTag(seriesTag(series));
  }

  resolve(key: CacheKey): ResolvedKey {
    // Hot path: a hand-written check of the usual shape; zod only to explain a failure.
    if (!looksValid(key)) {
      const r = keySchema.safeParse(key);
      if (!r.success) throw new CacheConfigError(`invalid cache key: ${r.error.message}`);
    }
    let tag: string;
    let suffix: string;
    switch (key.kind) {
      case 'candles':
        tag = seriesTag(key.series);
        suffix = `c:${safeSegment(key.window)}`;
        break;
      case 'indicator':
        tag = seriesTag(key.series);
        suffix = `i:${safeSegment(key.indicator)}:${shortHash(key.params)}:${safeSegment(key.window)}`;
        break;
      case 'global':
        // A namespace is its own tiny "series": one slot, and it can be invalidated like one.
        tag = `ns:${safeSegment(key.namespace)}`;
        suffix = `v:${safeSegment(key.id)}`;
        break;
    }
    const base = this.tagged(tag);
    const valueKey = `${base}${suffix}`;
    return { id: valueKey, tag, genKey: `${base}gen`, valueKey, lockKey: `${valueKey}:lock` };
  }
}
