import { seriesCodec, type CacheKey, type CacheStatus, type Codec, type WarmJob, type WickCache } from '@wick/cache';
import type { Engine } from '@wick/engine';
import { canonicalParams, getIndicator, historyFor, parseParams, requiredColumns, type Columns } from '@wick/indicators';
import { INTERVAL_MS, type CandleColumns } from '@wick/market';
import type { CacheOutcomes } from '../cache-outcomes.ts';
import { BudgetExceededError, describeError } from '../errors.ts';
import type { IndicatorRequest } from '../inputs.ts';
import { STALE_SECONDS, windowId, type CandleLoad, type CandleService, type Series, type Window } from './candles.ts';

export interface IndicatorResult {
  symbol: string;
  interval: string;
  indicator: string;
  params: Record<string, unknown>;
  /** Open times (ms) of the returned candles. */
  time: number[];
  /** One array per output series; null where the indicator has no value yet. */
  values: Record<string, (number | null)[]>;
  cache: { status: CacheStatus; ageMs: number };
  /** Time the engine spent computing this result (when it was computed, for a cached one). */
  computeMs: number;
}

export type BatchItem = ({ ok: true } & IndicatorResult) | { ok: false; error: { code: string; message: string } };

interface StoredResult {
  time: Float64Array;
  outputs: Record<string, Float64Array>;
  computeMs: number;
}

/** Indicator results as binary columns (the cache's series codec) behind 8 bytes of compute time. */
const resultCodec: Codec<StoredResult> = {
  encode(r) {
    const columns: Record<string, Float64Array> = { time: r.time };
    for (const [name, values] of Object.entries(r.outputs)) columns[`out:${name}`] = values;
    const body = seriesCodec.encode(columns);
    const out = Buffer.allocUnsafe(8 + body.length);
    out.writeDoubleLE(r.computeMs, 0);
    body.copy(out, 8);
    return out;
  },
  decode(buf) {
    if (buf.length < 8) return undefined;
    const columns = seriesCodec.decode(buf.subarray(8));
    if (!columns?.time) return undefined;
    const outputs: Record<string, Float64Array> = {};
    for (const [name, values] of Object.entries(columns)) if (name.startsWith('out:')) outputs[name.slice(4)] = values;
    return { time: columns.time, outputs, computeMs: buf.readDoubleLE(0) };
  },
};

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

export class IndicatorService {
  constructor(private readonly deps: { cache: WickCache; candles: CandleService; engine: Engine; budgetMs: number }) {}

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
      codec: resultCodec,
      ttlSeconds: this.deps.cache.ttlFor(p.series.interval, { toMs: p.window.to ?? Date.now() }),
    };
  }

  /** Candles (cache, then DB) → engine; the window's values only, warm-up cut off. */
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
    return { time: candles.columns.time.slice(candles.skip), outputs: sliced, computeMs };
  }

  /** Result cache → computeStored → result cache. */
  private async run(
    p: Prepared,
    loadCandles: (warmup: number) => Promise<CandleLoad>,
    signal: AbortSignal,
    outcomes: CacheOutcomes,
  ): Promise<IndicatorResult> {
    const ttlSeconds = this.deps.cache.ttlFor(p.series.interval, { toMs: p.window.to ?? Date.now() });
    const cached = await this.deps.cache.getOrLoad(resultKey(p), () => this.computeStored(p, loadCandles, signal), {
      codec: resultCodec,
      ttlSeconds,
      staleSeconds: STALE_SECONDS,
      signal,
    });
    outcomes[cached.status] += 1;
    const values: Record<string, (number | null)[]> = {};
    for (const name of getIndicator(p.indicator).outputs) {
      const series = cached.value.outputs[name];
      if (series) values[name] = toNullable(series);
    }
    return {
      symbol: p.series.symbol,
      interval: p.series.interval,
      indicator: p.indicator,
      params: p.params,
      time: Array.from(cached.value.time),
      values,
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
