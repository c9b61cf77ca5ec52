import type { SeriesRef, WickCache } from '@wick/cache';
import { INTERVAL_MS, isInterval, type Interval } from '@wick/market';
import { z } from 'zod';
import { appRouter } from './root.ts';
import { isSettledRange, summaryNamespace, summaryTtlSeconds } from './services/liquidations.ts';
import { windowTtlSeconds } from './services/open-candle.ts';
import { SYMBOLS_NAMESPACE, SYMBOLS_TTL_SECONDS } from './services/symbols.ts';

/**
 * What the HTTP fast path (a response cache in front of the tRPC adapter) needs to know about a
 * query it may answer from stored bytes: the router's OWN input schema (read off the procedure, so
 * it can never drift from what tRPC validates), the series and the `global` namespaces whose
 * versions the answer depends on, whether it may be kept at all right now, and until when a stored
 * answer still says what the procedure would say (the data TTL, and the close of a still-open candle:
 * `openTime` turns null by the clock, without any write).
 */
export interface FastProcedure {
  path: string;
  /** The procedure's input parser (undefined: it takes no input and ignores whatever is sent). */
  input: z.ZodType | undefined;
  /** Series read by the answer: their (generation, head rev) key a stored answer. */
  series(input: unknown): SeriesRef[];
  /**
   * `global` cache namespaces read by the answer: their generations (cache.readNamespaceVersion, moved
   * by invalidateNamespace) key a stored answer too. No series and no namespace = static.
   */
  namespaces(input: unknown): string[];
  /**
   * Whether the fast path may look this call up or keep its answer at `nowMs` (checked on every
   * request; false: tRPC answers it, nothing is stored). False for answers the clock changes without
   * any write (a liquidation summary over a range that has not settled).
   */
  cacheableAt(input: unknown, nowMs: number): boolean;
  /**
   * Until when (epoch ms) an answer whose `cache` fields say it was stored at `storedAtMs` stays the
   * procedure's answer; null when the data does not have the expected shape (never store it).
   */
  expiresAt(input: unknown, data: unknown, storedAtMs: number, cache: Pick<WickCache, 'ttlFor'>): number | null;
  /** How many `cache: {status, ageMs}` objects the answer carries (its data decides, e.g. batch items). */
  cacheFields(data: unknown): number | null;
}

interface WindowInput {
  symbol: string;
  interval: Interval;
  to?: number | undefined;
}

interface WindowData {
  time: number[];
  openTime: number | null;
}

const windowData = z.object({ time: z.array(z.number()), openTime: z.number().nullable() });
const candlesData = z.object({ candles: windowData.pick({ time: true }), openTime: z.number().nullable() });
const batchData = z.object({ items: z.array(z.object({ ok: z.boolean() }).passthrough()) });
const symbolsData = z.object({ symbols: z.array(z.unknown()) });
const summaryData = z.object({ to: z.number(), buckets: z.array(z.unknown()) });

/** The router's parser of a query procedure: the very object tRPC validates with. */
function inputOf(path: string): z.ZodType | undefined {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string; inputs: unknown[] } } | undefined>;
  const procedure = procedures[path];
  if (!procedure || procedure._def.type !== 'query') throw new Error(`fast path: ${path} is not a query procedure`);
  const [parser, ...more] = procedure._def.inputs;
  if (more.length > 0 || (parser !== undefined && !(parser instanceof z.ZodType)))
    throw new Error(`fast path: ${path} has no single zod input`);
  return parser;
}

function windowOf(input: unknown): WindowInput {
  const w = input as WindowInput;
  if (typeof w?.symbol !== 'string' || !isInterval(w.interval)) throw new Error('fast path: not a series window');
  return w;
}

/** The data TTL of the stored value as of when it was stored, capped by the close of its open candle. */
function windowExpiry(w: WindowInput, d: WindowData, storedAtMs: number, cache: Pick<WickCache, 'ttlFor'>): number {
  const ttl = windowTtlSeconds(cache, w.interval, d.time, w.to, storedAtMs);
  const expires = storedAtMs + ttl * 1000;
  return d.openTime === null ? expires : Math.min(expires, d.openTime + INTERVAL_MS[w.interval]);
}

const seriesOf = (w: WindowInput): SeriesRef => ({ symbol: w.symbol, interval: w.interval });
const noNamespaces = (): string[] => [];
const always = (): boolean => true;

const compute: FastProcedure = {
  path: 'indicators.compute',
  input: inputOf('indicators.compute'),
  series: (input) => [seriesOf(windowOf(input))],
  namespaces: noNamespaces,
  cacheableAt: always,
  expiresAt(input, data, storedAtMs, cache) {
    const d = windowData.safeParse(data);
    return d.success ? windowExpiry(windowOf(input), d.data, storedAtMs, cache) : null;
  },
  cacheFields: () => 1,
};

const range: FastProcedure = {
  path: 'candles.range',
  input: inputOf('candles.range'),
  series: (input) => [seriesOf(windowOf(input))],
  namespaces: noNamespaces,
  cacheableAt: always,
  expiresAt(input, data, storedAtMs, cache) {
    const d = candlesData.safeParse(data);
    return d.success ? windowExpiry(windowOf(input), { time: d.data.candles.time, openTime: d.data.openTime }, storedAtMs, cache) : null;
  },
  cacheFields: () => 1,
};

const batch: FastProcedure = {
  path: 'indicators.batch',
  input: inputOf('indicators.batch'),
  series(input) {
    const seen = new Map<string, SeriesRef>();
    for (const item of (input as { items: unknown[] }).items) {
      const s = seriesOf(windowOf(item));
      seen.set(`${s.symbol}:${s.interval}`, s);
    }
    return [...seen.values()];
  },
  namespaces: noNamespaces,
  cacheableAt: always,
  expiresAt(input, data, storedAtMs, cache) {
    const d = batchData.safeParse(data);
    const items = (input as { items: unknown[] }).items;
    // An item that failed (a budget overrun, a bad param) is never stored: it may not fail next time.
    if (!d.success || d.data.items.length !== items.length || d.data.items.some((i) => !i.ok)) return null;
    let expires = Infinity;
    for (let i = 0; i < items.length; i++) {
      const item = windowData.safeParse(d.data.items[i]);
      if (!item.success) return null;
      expires = Math.min(expires, windowExpiry(windowOf(items[i]), item.data, storedAtMs, cache));
    }
    return expires;
  },
  cacheFields: (data) => batchData.safeParse(data).data?.items.length ?? null,
};

/** Built once per process and never changes while it runs. */
const catalog: FastProcedure = {
  path: 'indicators.catalog',
  input: inputOf('indicators.catalog'),
  series: () => [],
  namespaces: noNamespaces,
  cacheableAt: always,
  expiresAt: () => Infinity,
  cacheFields: () => 0,
};

/** The symbol list: one `global` key under SYMBOLS_NAMESPACE, kept for SYMBOLS_TTL_SECONDS from when it was stored. */
const symbolsList: FastProcedure = {
  path: 'symbols.list',
  input: inputOf('symbols.list'),
  series: () => [],
  namespaces: () => [SYMBOLS_NAMESPACE],
  cacheableAt: always,
  expiresAt: (_input, data, storedAtMs) => (symbolsData.safeParse(data).success ? storedAtMs + SYMBOLS_TTL_SECONDS * 1000 : null),
  cacheFields: () => 1,
};

interface SummaryInput {
  symbol?: string | undefined;
  to: number;
}

function summaryOf(input: unknown): SummaryInput {
  const q = input as SummaryInput;
  if (typeof q?.to !== 'number' || (q.symbol !== undefined && typeof q.symbol !== 'string'))
    throw new Error('fast path: not a liquidation summary');
  return q;
}

/**
 * A liquidation summary, only over a settled range (the service's rule: its answer then changes only
 * by an ingest or a retire, which bump the namespace); an open range's answer moves with the clock
 * and late rows, and always goes to tRPC. Its namespace is its symbol's, or ALL's without one: an
 * ingest bumps both (LiquidationService.ingest), so either kind of summary moves with it.
 */
const summary: FastProcedure = {
  path: 'liquidations.summary',
  input: inputOf('liquidations.summary'),
  series: () => [],
  namespaces: (input) => [summaryNamespace(summaryOf(input).symbol ?? null)],
  cacheableAt: (input, nowMs) => isSettledRange(summaryOf(input).to, nowMs),
  expiresAt(input, data, storedAtMs) {
    const q = summaryOf(input);
    if (!summaryData.safeParse(data).success || !isSettledRange(q.to, storedAtMs)) return null;
    return storedAtMs + summaryTtlSeconds(q.to, storedAtMs) * 1000;
  },
  cacheFields: () => 1,
};

/**
 * The queries the fast path answers from stored bytes. Not here, and why: dashboard.snapshot mixes
 * candles, indicators and the liquidation summary with partial failures; liquidations.summary over a
 * range that has not settled (cacheableAt: tRPC answers it every time); liquidations.list pages by
 * signed cursor from MySQL; everything else writes, streams or reports live state (health, cache.stats).
 */
export const FAST_PROCEDURES: ReadonlyMap<string, FastProcedure> = new Map(
  [compute, range, batch, catalog, symbolsList, summary].map((p) => [p.path, p]),
);
