import { z } from 'zod';
import { CacheConfigError } from './errors.ts';

export const INTERVALS = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];
export const intervalSchema = z.enum(INTERVALS);

const MINUTE = 60_000;
export const INTERVAL_MS: Readonly<Record<Interval, number>> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1440 * MINUTE,
};

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
  for (const i of INTERVALS) out[i] = { ...base[i] };
  for (const patch of patches) {
    if (!patch) continue;
    for (const i of INTERVALS) {
      const p = patch[i];
      if (p) out[i] = { ...out[i], ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) };
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
  const r = ttlPatchSchema.safeParse(parsed);
  if (!r.success) throw new CacheConfigError(`WICK_CACHE_TTL: ${r.error.message}`);
  return r.data as TtlPatch | undefined;
}

/** Open time of the candle that contains `ms` (candles are aligned to the epoch, UTC, like Binance). */
export function candleOpenTime(interval: Interval, ms: number): number {
  const d = INTERVAL_MS[interval];
  return Math.floor(ms / d) * d;
}

/**
 * True when every candle a window can contain (open_time ≤ toMs) has closed at nowMs. Only such a
 * window may be cached with the long historical TTL; anything else holds the open candle.
 */
export function isWindowClosed(interval: Interval, toMs: number, nowMs: number = Date.now()): boolean {
  return candleOpenTime(interval, toMs) + INTERVAL_MS[interval] <= nowMs;
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
