import { INTERVAL_MS, type Interval } from '@wick/market';
import { fittingBucket, MAX_BUCKETS_PER_SUMMARY } from '../buckets.ts';
import type { CacheOutcomes } from '../cache-outcomes.ts';
import { describeError } from '../errors.ts';
import type { IndicatorRequest } from '../inputs.ts';
import { loadOpenTime, windowArrays, type CandleArrays, type CandleService } from './candles.ts';
import type { BatchItem, IndicatorService } from './indicators.ts';
import type { LiquidationService, LiquidationSummary } from './liquidations.ts';

export interface SnapshotQuery {
  symbol: string;
  interval: Interval;
  indicators: { indicator: string; params: Record<string, string | number | boolean> }[];
  limit: number;
  to?: number | undefined;
}

export type Section = 'candles' | 'indicators' | 'liquidations';

export interface SectionError {
  /** The failed section, or `indicators.<index>` for one failed indicator of the batch. */
  section: string;
  code: string;
  message: string;
}

export interface SnapshotCandles extends CandleArrays {
  /** Open time of the still-open candle (its values are provisional); null when all have closed. */
  openTime: number | null;
  cache: { status: string; ageMs: number };
}

export interface Snapshot {
  symbol: string;
  interval: Interval;
  candles: SnapshotCandles | null;
  indicators: BatchItem[] | null;
  liquidations: LiquidationSummary | null;
  /** Cache lookups this snapshot made, by outcome. */
  cache: CacheOutcomes;
  /** Wall time per section, ms (they overlap: the sections run in parallel). */
  timings: Record<Section, number>;
  errors: SectionError[];
}

/**
 * One call for a dashboard page: candles, indicators (one batch: shared candle loads, one budget)
 * and the liquidation summary of the visible range, in parallel. A failing section becomes an
 * entry in `errors`; the others are still returned.
 */
export class DashboardService {
  constructor(private readonly deps: { candles: CandleService; indicators: IndicatorService; liquidations: LiquidationService }) {}

  async snapshot(q: SnapshotQuery, outcomes: CacheOutcomes): Promise<Snapshot> {
    const series = { symbol: q.symbol, interval: q.interval };
    const window = { to: q.to, limit: q.limit };
    const errors: SectionError[] = [];
    const timings: Record<Section, number> = { candles: 0, indicators: 0, liquidations: 0 };
    const timed = async <T>(section: Section, work: () => Promise<T>): Promise<T | null> => {
      const started = performance.now();
      try {
        return await work();
      } catch (err) {
        errors.push({ section, ...describeError(err) });
        return null;
      } finally {
        timings[section] = Math.round((performance.now() - started) * 100) / 100;
      }
    };

    const candleLoad = this.deps.candles.load(series, window, 0, outcomes);
    candleLoad.catch(() => {}); // observed below, by two sections
    const candles = timed('candles', async (): Promise<SnapshotCandles> => {
      const load = await candleLoad;
      return { ...windowArrays(load), openTime: loadOpenTime(series, load), cache: { status: load.status, ageMs: load.ageMs } };
    });
    const indicators = timed('indicators', async () => {
      if (q.indicators.length === 0) return [];
      const reqs: IndicatorRequest[] = q.indicators.map((i) => ({ ...series, ...window, indicator: i.indicator, params: i.params }));
      return this.deps.indicators.batch(reqs, outcomes);
    });
    const liquidations = timed('liquidations', async () => {
      const range = await this.visibleRange(q, candleLoad);
      const bucket = fittingBucket(range.from, range.to, q.interval);
      // Beyond MAX_BUCKETS_PER_SUMMARY days of daily candles: summarise the most recent ones.
      const day = INTERVAL_MS['1d'];
      if (bucket === null) range.from = Math.max(range.from, (Math.floor(range.to / day) - MAX_BUCKETS_PER_SUMMARY + 1) * day);
      return this.deps.liquidations.summary({ symbol: q.symbol, bucket: bucket ?? '1d', ...range }, outcomes);
    });

    const [c, ind, liq] = await Promise.all([candles, indicators, liquidations]);
    ind?.forEach((item, i) => {
      if (!item.ok) errors.push({ section: `indicators.${i}`, ...item.error });
    });
    return {
      ...series,
      candles: c,
      indicators: ind,
      liquidations: liq,
      cache: { ...outcomes },
      timings,
      errors,
    };
  }

  /**
   * The time span the candles cover (their last candle included), so summary bars line up with
   * candles. The summary waits for the candles only (not for indicators); without candles it
   * falls back to the window the request names.
   */
  private async visibleRange(q: SnapshotQuery, candleLoad: Promise<{ columns: { time: Float64Array }; skip: number }>) {
    const step = INTERVAL_MS[q.interval];
    const times = await candleLoad.then(
      (l) => l.columns.time.subarray(l.skip),
      () => null,
    );
    if (times && times.length > 0) {
      return { from: times[0] as number, to: (times[times.length - 1] as number) + step - 1 };
    }
    const end = Math.floor((q.to ?? Date.now()) / step) * step;
    return { from: end - (q.limit - 1) * step, to: end + step - 1 };
  }
}
