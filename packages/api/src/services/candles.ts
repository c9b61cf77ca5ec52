import type { CacheStatus, GetOrLoadOptions, WickCache } from '@wick/cache';
import { getCandles, upsertCandles, type CandleInput, type Database } from '@wick/db';
import { CANDLE_COLUMN_NAMES, emptyCandleColumns, type CandleColumns } from '@wick/market';
import type { CacheOutcomes } from '../cache-outcomes.ts';
import type { ApiMetrics } from '../metrics.ts';
import { advanceCandleWindow } from './candle-window-advance.ts';
import { DataTtl } from './data-ttl.ts';
import { openTimeOf, windowTtlSeconds } from './open-candle.ts';
import { isLatestWindow, slotAfter, windowId, type Series, type Window } from './series-window.ts';
import { publishSeriesWrites } from './series-writes.ts';
import { storedCandlesCodec, type StoredCandles } from './stored-candles.ts';
import type { SymbolService } from './symbols.ts';

export type { Series, Window } from './series-window.ts';
export { windowId } from './series-window.ts';

export interface CandleLoad {
  columns: CandleColumns;
  /** How many leading candles are warm-up history before the requested window. */
  skip: number;
  /** Live writes can no longer change this window (stored-candles.ts). */
  sealed: boolean;
  status: CacheStatus;
  ageMs: number;
}

/**
 * Grace after a TTL during which an entry is served (marked stale) while one caller refreshes it.
 * Safe here: any write through Wick moves the series head (or its generation), so a stale entry
 * can only miss writes made behind Wick's back, which the TTL alone bounds anyway.
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

/** The open time of the load's still-open candle, or null when all its candles have closed. */
export function loadOpenTime(series: Series, load: CandleLoad, nowMs: number = Date.now()): number | null {
  return openTimeOf(series.interval, load.columns.time.subarray(load.skip), nowMs);
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

function sliceColumns(c: CandleColumns, from: number, to: number): CandleColumns {
  const out = emptyCandleColumns(0);
  for (const name of CANDLE_COLUMN_NAMES) out[name] = c[name].slice(from, to);
  return out;
}

export interface CandleServiceDeps {
  database: Database;
  cache: WickCache;
  symbols: SymbolService;
  metrics: ApiMetrics;
  /** Advance cached windows from the series head after tail-only writes (false: every write invalidates). */
  appendAware: boolean;
}

/**
 * Candle windows, cache first. Freshness comes from the series head and generation (ingest moves
 * them before it answers): a write that only touched the newest candles advances cached windows
 * from the head's tail, any other write bumps the generation. The TTL follows the window's data
 * (open-candle.ts) and only bounds how long a write made behind Wick's back can go unseen.
 */
export class CandleService {
  constructor(private readonly deps: CandleServiceDeps) {}

  get appendAware(): boolean {
    return this.deps.appendAware;
  }

  /** The window plus `warmup` candles of history before it, as one cached entry. */
  async load(series: Series, w: Window, warmup: number, outcomes?: CacheOutcomes): Promise<CandleLoad> {
    const { cache, symbols, appendAware } = this.deps;
    await symbols.assertKnown(series.symbol);
    const key = { kind: 'candles' as const, series, window: `${windowId(w)}:w${warmup}` };
    const ttl = new DataTtl<StoredCandles>(cache.ttlFor(series.interval, { toMs: w.to ?? Date.now() }), (v) =>
      windowTtlSeconds(cache, series.interval, v.columns.time, w.to),
    );
    const options: GetOrLoadOptions<StoredCandles> = {
      codec: storedCandlesCodec,
      get ttlSeconds() {
        return ttl.ttlSeconds;
      },
      staleSeconds: STALE_SECONDS,
      ...(appendAware ? { advance: (value: StoredCandles, head) => ttl.observe(advanceCandleWindow(value, head, w, warmup)) } : {}),
    };
    const cached = await cache.getOrLoad(key, () => this.fromDb(series, w, warmup).then((v) => ttl.observe(v)), options);
    if (outcomes) outcomes[cached.status] += 1;
    const { columns, sealed } = cached.value;
    const n = columns.time.length;
    const skip = isLatestWindow(w) ? Math.max(0, n - w.limit) : countBefore(columns.time, w.from!);
    return { columns, skip, sealed, status: cached.status, ageMs: cached.ageMs };
  }

  /**
   * One read per part, each bounded by the slot after `to` instead of `to`: a candle found there
   * (or a `from` window's limit + 1-th) shows, within the read's own snapshot, that the series
   * goes on past the window, which is then sealed. A separate probe could see a later snapshot
   * than the read and seal a window whose last candle was still changing.
   */
  private async fromDb(series: Series, w: Window, warmup: number): Promise<StoredCandles> {
    const { database, metrics } = this.deps;
    metrics.countCandleLoad('db');
    const bound = w.to === undefined ? undefined : slotAfter(series.interval, w.to);
    if (w.from === undefined) {
      const want = w.limit + warmup;
      const read = await getCandles(database, { ...series, to: bound, limit: bound === undefined ? want : want + 1, newest: true });
      const n = read.time.length;
      const past = bound !== undefined && n > 0 && read.time[n - 1]! > w.to!;
      if (!past) return { columns: n > want ? sliceColumns(read, n - want, n) : read, sealed: false };
      return { columns: sliceColumns(read, Math.max(0, n - 1 - want), n - 1), sealed: true };
    }
    const [history, read] = await Promise.all([
      warmup > 0 ? getCandles(database, { ...series, to: w.from - 1, limit: warmup, newest: true }) : emptyCandleColumns(0),
      getCandles(database, { ...series, from: w.from, to: bound, limit: w.limit + 1 }),
    ]);
    const n = read.time.length;
    const sealed = n > w.limit || (n > 0 && w.to !== undefined && read.time[n - 1]! > w.to);
    const window = sealed ? sliceColumns(read, 0, n - 1) : read;
    return { columns: history.time.length === 0 ? window : concatColumns(history, window), sealed };
  }

  /**
   * Writes the candles (1m rolls up into 5m … 1d in the same transaction), then, for every series
   * the write changed and before answering: a tail-only write moves the series head (cached
   * windows advance from it), any other write also bumps the generation; then the write is
   * published on the series' live channel. A read that starts after this returns sees the write.
   */
  async ingest(series: Series, candles: CandleInput[]): Promise<{ affected: number }> {
    const { database, cache, symbols, appendAware } = this.deps;
    await symbols.assertKnown(series.symbol);
    const result = await upsertCandles(database, series.symbol, series.interval, candles);
    await publishSeriesWrites(cache, series.symbol, result.series, appendAware);
    return { affected: result.affected };
  }
}

function countBefore(times: Float64Array, from: number): number {
  let i = 0;
  while (i < times.length && (times[i] as number) < from) i += 1;
  return i;
}
