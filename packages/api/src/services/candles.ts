import { candleCodec, type CacheStatus, type WickCache } from '@wick/cache';
import { getCandles, upsertCandles, type CandleInput, type Database } from '@wick/db';
import { CANDLE_COLUMN_NAMES, emptyCandleColumns, type CandleColumns, type Interval } from '@wick/market';
import type { CacheOutcomes } from '../cache-outcomes.ts';
import type { ApiMetrics } from '../metrics.ts';
import type { SymbolService } from './symbols.ts';

export interface Window {
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export interface Series {
  symbol: string;
  interval: Interval;
}

export interface CandleLoad {
  columns: CandleColumns;
  /** How many leading candles are warm-up history before the requested window. */
  skip: number;
  status: CacheStatus;
  ageMs: number;
}

/**
 * Grace after a TTL during which an entry is served (marked stale) while one caller refreshes it.
 * Safe here: any write through Wick bumps the series generation, so a stale entry can only miss
 * writes made behind Wick's back, which the TTL alone bounds anyway.
 */
export const STALE_SECONDS = 30;

export interface CandleArrays {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** The requested window of a load (warm-up history cut off) as plain arrays for the wire. */
export function windowArrays(load: CandleLoad): CandleArrays {
  const out = {} as CandleArrays;
  for (const c of CANDLE_COLUMN_NAMES) out[c] = Array.from(load.columns[c].subarray(load.skip));
  return out;
}

export function windowId(w: Window): string {
  return `${w.from ?? '-'}:${w.to ?? '-'}:${w.limit}`;
}

function concatColumns(a: CandleColumns, b: CandleColumns): CandleColumns {
  const out = emptyCandleColumns(0);
  for (const c of CANDLE_COLUMN_NAMES) {
    const joined = new Float64Array(a[c].length + b[c].length);
    joined.set(a[c], 0);
    joined.set(b[c], a[c].length);
    out[c] = joined;
  }
  return out;
}

/**
 * Candle windows, cache first. Freshness comes from the series generation (ingest bumps it before
 * it answers), so a cached window is as fresh as the database; the TTL, short for windows that
 * reach the present, only bounds how long a write made behind Wick's back can go unseen.
 */
export class CandleService {
  constructor(private readonly deps: { database: Database; cache: WickCache; symbols: SymbolService; metrics: ApiMetrics }) {}

  /** The window plus `warmup` candles of history before it, as one cached entry. */
  async load(series: Series, w: Window, warmup: number, outcomes?: CacheOutcomes): Promise<CandleLoad> {
    await this.deps.symbols.assertKnown(series.symbol);
    const key = { kind: 'candles' as const, series, window: `${windowId(w)}:w${warmup}` };
    const ttlSeconds = this.deps.cache.ttlFor(series.interval, { toMs: w.to ?? Date.now() });
    const cached = await this.deps.cache.getOrLoad(key, () => this.fromDb(series, w, warmup), {
      codec: candleCodec,
      ttlSeconds,
      staleSeconds: STALE_SECONDS,
    });
    if (outcomes) outcomes[cached.status] += 1;
    const n = cached.value.time.length;
    const skip = w.from === undefined ? Math.max(0, n - w.limit) : countBefore(cached.value.time, w.from);
    return { columns: cached.value, skip, status: cached.status, ageMs: cached.ageMs };
  }

  private async fromDb(series: Series, w: Window, warmup: number): Promise<CandleColumns> {
    const { database, metrics } = this.deps;
    metrics.countCandleLoad('db');
    if (w.from === undefined) {
      return getCandles(database, { ...series, to: w.to, limit: w.limit + warmup, newest: true });
    }
    const [history, window] = await Promise.all([
      warmup > 0 ? getCandles(database, { ...series, to: w.from - 1, limit: warmup, newest: true }) : emptyCandleColumns(0),
      getCandles(database, { ...series, from: w.from, to: w.to, limit: w.limit }),
    ]);
    return history.time.length === 0 ? window : concatColumns(history, window);
  }

  async ingest(series: Series, candles: CandleInput[]): Promise<{ affected: number }> {
    await this.deps.symbols.assertKnown(series.symbol);
    const result = await upsertCandles(this.deps.database, series.symbol, series.interval, candles);
    // Invalidate before answering: a read that starts after this call returns sees the new candles.
    await this.deps.cache.invalidateSeries(series);
    return result;
  }
}

function countBefore(times: Float64Array, from: number): number {
  let i = 0;
  while (i < times.length && (times[i] as number) < from) i += 1;
  return i;
}
