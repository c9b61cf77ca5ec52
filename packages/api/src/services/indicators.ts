import type { CacheKey, CacheStatus, GetOrLoadOptions, WarmJob, WickCache } from '@wick/cache';
import type { Engine } from '@wick/engine';
import { canonicalParams, getIndicator, historyFor, parseParams, requiredColumns, type Columns } from '@wick/indicators';
import { INTERVAL_MS, type CandleColumns } from '@wick/market';
import type { CacheOutcomes } from '../cache-outcomes.ts';
import { BudgetExceededError, describeError, type ErrorDescription } from '../errors.ts';
import type { IndicatorRequest } from '../inputs.ts';
import { STALE_SECONDS, type CandleLoad, type CandleService } from './candles.ts';
import { DataTtl } from './data-ttl.ts';
import { advanceResult, advancesFromState, stateBeforeLast } from './indicator-advance.ts';
import { openTimeOf, windowTtlSeconds } from './open-candle.ts';
import { isLatestWindow, windowId, type Series, type Window } from './series-window.ts';
import { storedResultCodec, type StoredResult } from './stored-result.ts';

export interface IndicatorResult {
  symbol: string;
  interval: string;
  indicator: string;
  params: Record<string, unknown>;
  /** Open times (ms) of the returned candles. */
  time: number[];
  /** One array per output series; null where the indicator has no value yet. */
  values: Record<string, (number | null)[]>;
  /**
   * Open time of the window's still-open candle (its close time is after now), whose values are
   * provisional; null when every candle of the window has closed.
   */
  openTime: number | null;
  cache: { status: CacheStatus; ageMs: number };
  /** Time the engine spent computing this result (when it was computed, for a cached one). */
  computeMs: number;
}

export type BatchItem = ({ ok: true } & IndicatorResult) | { ok: false; error: ErrorDescription };

function toNullable(values: Float64Array): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    out[i] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/** Copies the columns an indicator reads: the engine transfers (detaches) what it is given. */
function engineInput(columns: CandleColumns, indicator: string, skip: number, extra: number): Columns {
  const out = {} as Record<string, Float64Array>;
  const from = skip - extra;
  for (const c of requiredColumns(indicator)) out[c] = (columns as unknown as Record<string, Float64Array>)[c]!.slice(from);
  return out as unknown as Columns;
}

interface Prepared {
  series: Series;
  window: Window;
  indicator: string;
  params: Record<string, unknown>;
  canonical: string;
  warmup: number;
}

export interface IndicatorServiceDeps {
  cache: WickCache;
  candles: CandleService;
  engine: Engine;
  budgetMs: number;
}

export class IndicatorService {
  constructor(private readonly deps: IndicatorServiceDeps) {}

  private prepare(req: IndicatorRequest): Prepared {
    const params = parseParams(req.indicator, req.params);
    return {
      series: { symbol: req.symbol, interval: req.interval },
      window: { from: req.from, to: req.to, limit: req.limit },
      indicator: req.indicator,
      params,
      canonical: canonicalParams(req.indicator, req.params),
      warmup: historyFor(req.indicator, params, INTERVAL_MS[req.interval]),
    };
  }

  async compute(req: IndicatorRequest, outcomes: CacheOutcomes): Promise<IndicatorResult> {
    const p = this.prepare(req);
    return withBudget(this.deps.budgetMs, (signal) =>
      this.run(p, (warmup) => this.deps.candles.load(p.series, p.window, warmup, outcomes), signal, outcomes),
    );
  }

  /**
   * Up to 10 requests: identical ones computed once, those over the same candle window share one
   * candle load (read with the largest warm-up any of them needs), all in parallel under one budget.
   * A failing item answers with its own error beside the others.
   */
  async batch(reqs: IndicatorRequest[], outcomes: CacheOutcomes): Promise<BatchItem[]> {
    const prepared = reqs.map((r): Prepared | Error => {
      try {
        return this.prepare(r);
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new BudgetExceededError(this.deps.budgetMs)), this.deps.budgetMs);
    try {
      const byWindow = new Map<string, { maxWarmup: number; load?: Promise<CandleLoad> }>();
      for (const p of prepared) {
        if (p instanceof Error) continue;
        const id = `${p.series.symbol}:${p.series.interval}:${windowId(p.window)}`;
        const group = byWindow.get(id) ?? { maxWarmup: 0 };
        group.maxWarmup = Math.max(group.maxWarmup, p.warmup);
        byWindow.set(id, group);
      }
      const unique = new Map<string, Promise<IndicatorResult>>();
      const budget = abortPromise(controller.signal);
      budget.catch(() => {}); // raced per item below; nobody may be left to observe it
      const results = prepared.map(async (p): Promise<BatchItem> => {
        if (p instanceof Error) return { ok: false, error: describeError(p) };
        const id = `${p.series.symbol}:${p.series.interval}:${windowId(p.window)}`;
        const itemKey = `${id}:${p.indicator}:${p.canonical}`;
        let pending = unique.get(itemKey);
        if (!pending) {
          const group = byWindow.get(id)!;
          const sharedLoad = () => (group.load ??= this.deps.candles.load(p.series, p.window, group.maxWarmup, outcomes));
          pending = this.run(p, sharedLoad, controller.signal, outcomes);
          unique.set(itemKey, pending);
        }
        try {
          return { ok: true, ...(await Promise.race([pending, budget])) };
        } catch (err) {
          return { ok: false, error: describeError(err) };
        }
      });
      return await Promise.all(results);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A warmer job keeping this request's answer cached (the dashboard's default views). */
  warmJob(req: IndicatorRequest): WarmJob<StoredResult> {
    const p = this.prepare(req);
    return {
      name: `${p.series.symbol}:${p.series.interval}:${p.indicator}:${p.canonical}:${windowId(p.window)}`,
      key: resultKey(p),
      load: () =>
        this.computeStored(p, (warmup) => this.deps.candles.load(p.series, p.window, warmup), AbortSignal.timeout(this.deps.budgetMs)),
      codec: storedResultCodec,
      ttlSeconds: this.deps.cache.ttlFor(p.series.interval, { toMs: p.window.to ?? Date.now() }),
    };
  }

  /**
   * Candles (cache, then DB) → engine; the window's values only, warm-up cut off. A "latest N"
   * result that live writes may still move also keeps the streaming state after its last closed
   * candle, so those writes advance it instead of recomputing it.
   */
  private async computeStored(
    p: Prepared,
    loadCandles: (warmup: number) => Promise<CandleLoad>,
    signal: AbortSignal,
  ): Promise<StoredResult> {
    const candles = await loadCandles(p.warmup);
    const extra = Math.min(p.warmup, candles.skip);
    const input = engineInput(candles.columns, p.indicator, candles.skip, extra);
    const { outputs, computeMs } = await this.deps.engine.compute(input, { indicator: p.indicator, params: p.params }, { signal });
    const sliced: Record<string, Float64Array> = {};
    for (const [name, values] of Object.entries(outputs)) sliced[name] = values.slice(extra);
    const streams = this.deps.candles.appendAware && isLatestWindow(p.window) && !candles.sealed && advancesFromState(p.indicator);
    return {
      time: candles.columns.time.slice(candles.skip),
      outputs: sliced,
      computeMs,
      sealed: candles.sealed,
      state: streams ? stateBeforeLast(candles.columns, p.indicator, p.params, p.warmup) : null,
    };
  }

  /** Result cache (advanced from the series head when append-aware) → computeStored → result cache. */
  private async run(
    p: Prepared,
    loadCandles: (warmup: number) => Promise<CandleLoad>,
    signal: AbortSignal,
    outcomes: CacheOutcomes,
  ): Promise<IndicatorResult> {
    const { cache, candles } = this.deps;
    const interval = p.series.interval;
    const ttl = new DataTtl<StoredResult>(cache.ttlFor(interval, { toMs: p.window.to ?? Date.now() }), (v) =>
      windowTtlSeconds(cache, interval, v.time, p.window.to),
    );
    const options: GetOrLoadOptions<StoredResult> = {
      codec: storedResultCodec,
      get ttlSeconds() {
        return ttl.ttlSeconds;
      },
      staleSeconds: STALE_SECONDS,
      signal,
      ...(candles.appendAware ? { advance: (value: StoredResult, head) => ttl.observe(advanceResult(value, head, p.window)) } : {}),
    };
    const cached = await cache.getOrLoad(
      resultKey(p),
      () => this.computeStored(p, loadCandles, signal).then((v) => ttl.observe(v)),
      options,
    );
    outcomes[cached.status] += 1;
    const values: Record<string, (number | null)[]> = {};
    for (const name of getIndicator(p.indicator).outputs) {
      const series = cached.value.outputs[name];
      if (series) values[name] = toNullable(series);
    }
    return {
      symbol: p.series.symbol,
      interval,
      indicator: p.indicator,
      params: p.params,
      time: Array.from(cached.value.time),
      values,
      openTime: openTimeOf(interval, cached.value.time),
      cache: { status: cached.status, ageMs: cached.ageMs },
      computeMs: cached.value.computeMs,
    };
  }
}

function resultKey(p: Prepared): CacheKey {
  return { kind: 'indicator', series: p.series, indicator: p.indicator, params: p.canonical, window: windowId(p.window) };
}

function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** Runs `work` under a deadline: past it the signal aborts and the call fails with TIMEOUT. */
async function withBudget<T>(budgetMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new BudgetExceededError(budgetMs)), budgetMs);
  try {
    return await Promise.race([work(controller.signal), abortPromise(controller.signal)]);
  } finally {
    clearTimeout(timer);
  }
}
