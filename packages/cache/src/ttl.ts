import { INTERVALS, candleOpenTime, isCandleOpen, type Interval } from '@wick/market';
import { z } from 'zod';
import { CacheConfigError } from './errors.ts';

export const intervalSchema = z.enum(INTERVALS);

/**
 * Seconds to keep an entry. `historical`: the window ends in candles that are all closed, so the
 * data can only change by a re-ingest (which bumps the generation). `recent`: the window touches
 * the still-open candle, which changes with every trade.
 */
export interface TtlEntry {
  historical: number;
  recent: number;
}
export type TtlTable = Record<Interval, TtlEntry>;

export const DEFAULT_TTL: Readonly<TtlTable> = {
  '1m': { historical: 3600, recent: 2 },
  '5m': { historical: 3 * 3600, recent: 5 },
  '15m': { historical: 6 * 3600, recent: 10 },
  '1h': { historical: 12 * 3600, recent: 15 },
  '4h': { historical: 24 * 3600, recent: 30 },
  '1d': { historical: 48 * 3600, recent: 60 },
};

const seconds = z
  .number()
  .int()
  .min(1)
  .max(30 * 86_400);
const entryPatch = z.object({ historical: seconds.optional(), recent: seconds.optional() }).strict();
export const ttlPatchSchema = z.partialRecord(intervalSchema, entryPatch).optional();
export type TtlPatch = Partial<Record<Interval, Partial<TtlEntry>>>;

export function mergeTtl(base: Readonly<TtlTable>, ...patches: (TtlPatch | undefined)[]): TtlTable {
  const out = {} as TtlTable;
  for (const interval of INTERVALS) out[interval] = { ...base[interval] };
  for (const patch of patches) {
    if (!patch) continue;
    for (const interval of INTERVALS) {
      const entry = patch[interval];
      if (entry) out[interval] = { ...out[interval], ...Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) };
    }
  }
  return out;
}

/**
 * The env override: WICK_CACHE_TTL='{"1m":{"recent":3},"1d":{"historical":86400}}'.
 * One JSON variable keeps the table in one place instead of twelve variables.
 */
export function ttlPatchFromEnv(env: Record<string, string | undefined> = process.env): TtlPatch | undefined {
  const raw = env.WICK_CACHE_TTL;
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (cause) {
    throw new CacheConfigError('WICK_CACHE_TTL is not valid JSON', { cause });
  }
  const patch = ttlPatchSchema.safeParse(parsed);
  if (!patch.success) throw new CacheConfigError(`WICK_CACHE_TTL: ${patch.error.message}`);
  return patch.data as TtlPatch | undefined;
}

/**
 * True when every candle a window can contain (open_time ≤ toMs) has closed at nowMs. Only such a
 * window may be cached with the long historical TTL; anything else holds the open candle.
 */
export function isWindowClosed(interval: Interval, toMs: number, nowMs: number = Date.now()): boolean {
  return !isCandleOpen(interval, candleOpenTime(interval, toMs), nowMs);
}

/**
 * TTL in seconds for a window ending at toMs. A window that holds (or may hold) the open candle gets
 * the short `recent` TTL, so it is never kept as if final; closed windows get `historical`.
 */
export function ttlForWindow(table: Readonly<TtlTable>, interval: Interval, toMs: number, nowMs: number = Date.now()): number {
  const entry = table[interval];
  if (isWindowClosed(interval, toMs, nowMs)) return entry.historical;
  return Math.max(1, Math.min(entry.recent, entry.historical));
}
