import { jsonCodec, type CacheStatus, type WickCache } from '@wick/cache';
import {
  insertLiquidations,
  listLiquidations,
  streamLiquidationsRaw,
  summarizeLiquidations,
  type Database,
  type LiquidationBucket,
  type LiquidationEvent,
  type LiquidationFilter,
} from '@wick/db';
import { INTERVAL_MS, liquidationTupleToRow, type LiquidationRow, type LiquidationTuple } from '@wick/market';
import { bucketCount, fittingBucket, MAX_BUCKETS_PER_SUMMARY, TooManyBucketsError, type Bucket } from '../buckets.ts';
import type { CacheOutcomes } from '../cache-outcomes.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { SymbolService } from './symbols.ts';

export const MAX_PAGE = 1000;
/** Rows per chunk of liquidations.export. */
export const EXPORT_CHUNK = 1000;

/** A summary whose range ended this long ago is final (late imports aside): cache it long. */
const SETTLED_AFTER_MS = 5 * 60_000;
const PAST_TTL_S = 3600;
const RECENT_TTL_S = 10;

/** A summary range is settled once its `to` is more than SETTLED_AFTER_MS before `nowMs` (it stays so). */
export function isSettledRange(to: number, nowMs: number): boolean {
  return to < nowMs - SETTLED_AFTER_MS;
}

/** The TTL (seconds) a summary of a range ending at `to` is cached with when asked for at `nowMs`. */
export function summaryTtlSeconds(to: number, nowMs: number): number {
  return isSettledRange(to, nowMs) ? PAST_TTL_S : RECENT_TTL_S;
}

export interface ListQuery extends LiquidationFilter {
  cursor?: string | undefined;
  limit: number;
}

export interface LiquidationPage {
  rows: LiquidationRow[];
  nextCursor: string | null;
}

export interface SummaryQuery {
  symbol?: string | undefined;
  bucket: Bucket;
  from: number;
  to: number;
}

export interface LiquidationSummary {
  symbol: string | null;
  bucket: Bucket;
  from: number;
  to: number;
  buckets: LiquidationBucket[];
  totals: { longUsd: number; shortUsd: number; longCount: number; shortCount: number };
  cache: { status: CacheStatus; ageMs: number };
}

/** The live channel new liquidations are published on (`publishGlobal`), one event per new row. */
export const LIQUIDATION_CHANNEL = 'liq';

/**
 * Summaries are cached under one namespace per symbol (and one for all symbols), so an ingest
 * drops the summaries its rows can change, and only those of their symbols.
 */
export function summaryNamespace(symbol: string | null): string {
  return `liq-summary.${symbol ?? 'ALL'}`;
}

export interface LiquidationIngestResult {
  /** Events stored as new rows. */
  inserted: number;
  /** Events already stored (or repeated within the call): left as they were. */
  duplicates: number;
}

/** Drops undefined fields: the db layer and the cursor fingerprint see one shape per filter set. */
export function normalizeFilter(f: LiquidationFilter): LiquidationFilter {
  const out: LiquidationFilter = {};
  if (f.symbol !== undefined) out.symbol = f.symbol;
  if (f.side !== undefined) out.side = f.side;
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  if (f.minUsd !== undefined) out.minUsd = f.minUsd;
  return out;
}

/** Liquidation pages, summaries and exports; every query goes through @wick/db. */
export class LiquidationService {
  constructor(private readonly deps: { database: Database; cache: WickCache; symbols: SymbolService; cursorSecret: string }) {}

  async list(q: ListQuery): Promise<LiquidationPage> {
    const { cursor, limit, ...rest } = q;
    const filter = normalizeFilter(rest);
    const after = cursor === undefined ? undefined : decodeCursor(this.deps.cursorSecret, cursor, filter);
    const page = await listLiquidations(this.deps.database, { ...filter, ...(after ? { after } : {}), limit });
    return {
      rows: page.rows,
      nextCursor: page.next ? encodeCursor(this.deps.cursorSecret, page.next, filter) : null,
    };
  }

  async summary(q: SummaryQuery, outcomes?: CacheOutcomes): Promise<LiquidationSummary> {
    const count = bucketCount(q.bucket, q.from, q.to);
    if (count > MAX_BUCKETS_PER_SUMMARY) throw new TooManyBucketsError(count, fittingBucket(q.from, q.to, q.bucket));
    const id = `${q.symbol ?? 'ALL'}.${q.bucket}.${q.from}.${q.to}`;
    const cached = await this.deps.cache.getOrLoad(
      { kind: 'global', namespace: summaryNamespace(q.symbol ?? null), id },
      () =>
        summarizeLiquidations(this.deps.database, {
          ...(q.symbol !== undefined ? { symbol: q.symbol } : {}),
          from: q.from,
          to: q.to,
          bucketMs: INTERVAL_MS[q.bucket],
        }),
      { codec: jsonCodec<LiquidationBucket[]>(), ttlSeconds: summaryTtlSeconds(q.to, Date.now()) },
    );
    if (outcomes) outcomes[cached.status] += 1;
    const totals = { longUsd: 0, shortUsd: 0, longCount: 0, shortCount: 0 };
    for (const b of cached.value) {
      totals.longUsd += b.longUsd;
      totals.shortUsd += b.shortUsd;
      totals.longCount += b.longCount;
      totals.shortCount += b.shortCount;
    }
    return {
      symbol: q.symbol ?? null,
      bucket: q.bucket,
      from: q.from,
      to: q.to,
      buckets: cached.value,
      totals,
      cache: { status: cached.status, ageMs: cached.ageMs },
    };
  }

  /**
   * Stores the events (idempotent: one already stored is a duplicate), then, before answering,
   * drops the cached summaries of the symbols that got new rows (and of all symbols), and
   * publishes every new row, with its id and usd, on the live channel, in id order.
   */
  async ingest(events: LiquidationEvent[]): Promise<LiquidationIngestResult> {
    const { database, cache, symbols } = this.deps;
    for (const symbol of new Set(events.map((e) => e.symbol))) await symbols.assertKnown(symbol);
    const rows = await insertLiquidations(database, events);
    if (rows.length > 0) {
      const touched = [...new Set(rows.map((r) => r.symbol)), null];
      await Promise.all(touched.map((symbol) => cache.invalidateNamespace(summaryNamespace(symbol))));
    }
    // One at a time: the stream's order is then the rows' order.
    for (const row of rows) await cache.publishGlobal(LIQUIDATION_CHANNEL, row);
    return { inserted: rows.length, duplicates: events.length - rows.length };
  }

  /**
   * Every matching row as tuples in LIQUIDATION_COLUMNS order, in batches, from one streamed
   * query. Stopping early (break, return, abort) kills the query and frees its connection.
   */
  streamTuples(
    filter: LiquidationFilter,
    opts: { signal?: AbortSignal; batchSize?: number } = {},
  ): AsyncGenerator<LiquidationTuple[], void, undefined> {
    return streamLiquidationsRaw(this.deps.database, normalizeFilter(filter), opts);
  }

  /** The export as chunks of row objects (what liquidations.export streams to tRPC clients). */
  async *exportRows(filter: LiquidationFilter, opts: { signal?: AbortSignal } = {}): AsyncGenerator<LiquidationRow[], void, undefined> {
    for await (const batch of this.streamTuples(filter, { ...opts, batchSize: EXPORT_CHUNK })) {
      yield batch.map(liquidationTupleToRow);
    }
  }
}
