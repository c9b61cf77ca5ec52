import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CacheConfigError } from './errors.ts';
import type { Interval } from '@wick/market';
import { intervalSchema } from './ttl.ts';

export interface SeriesRef {
  symbol: string;
  interval: Interval;
}

/**
 * `params` must already be canonical (the indicator package's canonicalParams): the key hashes the
 * string as given, so two spellings of the same parameters would be two entries.
 */
export type CacheKey =
  | { kind: 'candles'; series: SeriesRef; window: string }
  | { kind: 'indicator'; series: SeriesRef; indicator: string; params: string; window: string }
  | { kind: 'global'; namespace: string; id: string };

/**
 * A key resolved into its Valkey keys, all sharing the `{tag}` (one slot), so a hit is one MGET of
 * [genKey, valueKey]: the stored value carries the generation it was written at, and a value whose
 * generation is not the current one is a miss (see envelope.ts and the notes in index.ts).
 */
export interface ResolvedKey {
  /** Stable id of the logical entry: single-flight map key (= valueKey). */
  id: string;
  /** The `{…}` hash tag, identifies the series (or global namespace). */
  tag: string;
  genKey: string;
  /** The series' head record (see head-record.ts); undefined for `global` keys, which have none. */
  headKey: string | undefined;
  valueKey: string;
  lockKey: string;
}

const SAFE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A user string made safe for a key segment: short plain strings pass unchanged (readable keys);
 * anything else (braces, colons, spaces, huge) becomes `#` + a hash. `#` is outside SAFE, so an
 * escaped segment can never equal a plain one, and no `{`, `}` or `:` ever reaches the key.
 */
export function safeSegment(segment: string): string {
  if (SAFE.test(segment)) return segment;
  return '#' + shortHash(segment);
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

export const prefixSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'prefix: 1–32 of [A-Za-z0-9_-]');
const keyText = z.string().min(1).max(16_384);
const seriesSchema = z.object({ symbol: keyText, interval: intervalSchema });
const keySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('candles'), series: seriesSchema, window: keyText }),
  z.object({ kind: z.literal('indicator'), series: seriesSchema, indicator: keyText, params: z.string().max(16_384), window: keyText }),
  z.object({ kind: z.literal('global'), namespace: keyText, id: keyText }),
]);

const INTERVAL_SET: ReadonlySet<string> = new Set(intervalSchema.options);
const okText = (text: unknown): boolean => typeof text === 'string' && text.length >= 1 && text.length <= 16_384;

function looksValid(key: CacheKey): boolean {
  if (typeof key !== 'object' || key === null) return false;
  switch (key.kind) {
    case 'candles':
      return okText(key.series?.symbol) && INTERVAL_SET.has(key.series?.interval) && okText(key.window);
    case 'indicator':
      return (
        okText(key.series?.symbol) &&
        INTERVAL_SET.has(key.series?.interval) &&
        okText(key.window) &&
        okText(key.indicator) &&
        typeof key.params === 'string' &&
        key.params.length <= 16_384
      );
    case 'global':
      return okText(key.namespace) && okText(key.id);
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

  headKeyOfTag(tag: string): string {
    return `${this.tagged(tag)}head`;
  }

  /** A series' tag, after checking the series like a key (CacheConfigError otherwise). */
  seriesTag(series: SeriesRef): string {
    if (!(okText(series?.symbol) && INTERVAL_SET.has(series?.interval))) {
      const parsed = seriesSchema.safeParse(series);
      if (!parsed.success) throw new CacheConfigError(`invalid series: ${parsed.error.message}`);
    }
    return seriesTag(series);
  }

  /** A global live channel's tag (e.g. `liq` → `wick:{liq}:…`), checked like a key segment. */
  globalTag(name: string): string {
    const parsed = keyText.safeParse(name);
    if (!parsed.success) throw new CacheConfigError(`invalid channel name: ${parsed.error.message}`);
    return safeSegment(name);
  }

  resolve(key: CacheKey): ResolvedKey {
    // Hot path: a hand-written check of the usual shape; zod only to explain a failure.
    if (!looksValid(key)) {
      const parsed = keySchema.safeParse(key);
      if (!parsed.success) throw new CacheConfigError(`invalid cache key: ${parsed.error.message}`);
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
    const headKey = key.kind === 'global' ? undefined : `${base}head`;
    return { id: valueKey, tag, genKey: `${base}gen`, headKey, valueKey, lockKey: `${valueKey}:lock` };
  }
}
