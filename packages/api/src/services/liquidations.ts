import { jsonCodec, type CacheStatus, type WickCache } from '@wick/cache';
import {
  listLiquidations,
  DbUnavailableError,
  listSymbols,
  summarizeLiquidations,
  UnknownSymbolError,
  type Database,
  type LiquidationBucket,
  type LiquidationFilter,
  type LiquidationRow,
  type LiquidationTuple,
} from '@wick/db';
import type { CacheOutcomes } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';

export const BUCKETS = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_MS: Record<Bucket, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};
export const MAX_SUMMARY_BUCKETS = 2000;
export const MAX_PAGE = 1000;
/** Rows per chunk of liquidations.export. */
export const EXPORT_CHUNK = 1000;

/** A summary whose range ended this long ago is final (late imports aside): cache it long. */
const SETTLED_AFTER_MS = 5 * 60_000;
const PAST_TTL_S = 3600;
const RECENT_TTL_S = 10;

export class TooManyBucketsError extends Error {
  constructor(
    readonly count: number,
    readonly suggestion: Bucket | null,
  ) {
    super(
      `The range spans ${count} buckets; at most ${MAX_SUMMARY_BUCKETS} per summary. ` +
        (suggestion ? `Use bucket "${suggestion}" or a shorter range.` : 'Use a shorter range.'),
    );
    this.name = 'TooManyBucketsError';
  }
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

export function bucketCount(bucket: Bucket, from: number, to: number): number {
  const ms = BUCKET_MS[bucket];
  return Math.floor(to / ms) - Math.floor(from / ms) + 1;
}

/** The finest bucket that fits `from..to` in MAX_SUMMARY_BUCKETS, no finer than `atLeast`. */
export function fittingBucket(from: number, to: number, atLeast: Bucket = '1m'): Bucket | null {
  for (const b of BUCKETS.slice(BUCKETS.indexOf(atLeast))) {
    if (bucketCount(b, from, to) <= MAX_SUMMARY_BUCKETS) return b;
  }
  return null;
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

export function tupleToRow(t: LiquidationTuple): LiquidationRow {
  return {
    id: t[0],
    symbol: t[1],
    side: t[2],
    orderType: t[3],
    timeInForce: t[4],
    originalQuantity: t[5],
    price: t[6],
    averagePrice: t[7],
    orderStatus: t[8],
    lastFillQuantity: t[9],
    accumulatedFillQuantity: t[10],
    orderTradeTime: t[11],
    usd: t[12],
  };
}

/** Liquidation pages, summaries and exports; every query goes through @wick/db. */
export class LiquidationService {
  constructor(private readonly deps: { database: Database; cache: WickCache; cursorSecret: string }) {}

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
    if (count > MAX_SUMMARY_BUCKETS) throw new TooManyBucketsError(count, fittingBucket(q.from, q.to, q.bucket));
    const settled = q.to < Date.now() - SETTLED_AFTER_MS;
    const id = `${q.symbol ?? 'ALL'}.${q.bucket}.${q.from}.${q.to}`;
    const cached = await this.deps.cache.getOrLoad(
      { kind: 'global', namespace: 'liq-summary', id },
      () =>
        summarizeLiquidations(this.deps.database, {
          ...(q.symbol !== undefined ? { symbol: q.symbol } : {}),
          from: q.from,
          to: q.to,
          bucketMs: BUCKET_MS[q.bucket],
        }),
      { codec: jsonCodec<LiquidationBucket[]>(), ttlSeconds: settled ? PAST_TTL_S : RECENT_TTL_S },
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
   * Every matching row as tuples in LIQUIDATION_COLUMNS order, in batches, from one streamed
   * query. Stopping early (break, return, abort) kills the query and frees its connection.
   */
  streamTuples(filter: LiquidationFilter, opts: { signal?: AbortSignal; batchSize?: number } = {}): AsyncGenerator<LiquidationTuple[], void, undefined> {
    return streamLiquidationTuples(this.deps.database, normalizeFilter(filter), opts);
  }

  /** The export as chunks of row objects (what liquidations.export streams to tRPC clients). */
  async *exportRows(filter: LiquidationFilter, opts: { signal?: AbortSignal } = {}): AsyncGenerator<LiquidationRow[], void, undefined> {
    for await (const batch of this.streamTuples(filter, { ...opts, batchSize: EXPORT_CHUNK })) {
      yield batch.map(tupleToRow);
    }
  }
}

// --- streaming ------------------------------------------------------------------------------------
//
// Why not @wick/db's streamLiquidationsRaw: when a consumer stops early it releases the connection
// with mysql2's destroy(), which only half-closes the socket (end()); the socket stays paused, the
// server blocks in "Writing to net" and KILL QUERY cannot interrupt a blocked write, so the query
// runs on until net_write_timeout (60 s). Here the socket is destroyed outright, so the server's
// next write fails at once, and KILL QUERY stops a query still sorting. Same SQL and tuple shape.

const USD = 'l.average_price * l.accumulated_fill_quantity';
const SELECT =
  'SELECT l.id, l.symbol_id, l.side, l.order_type, l.time_in_force, l.original_quantity, l.price,' +
  ' l.average_price, l.order_status, l.last_fill_quantity, l.accumulated_fill_quantity,' +
  ` l.order_trade_time, CAST(${USD} AS DECIMAL(44,10)) AS usd FROM liquidation_orders l`;
const ORDER = ' ORDER BY l.order_trade_time DESC, l.id DESC';

interface CoreQuery {
  on(event: 'result', fn: (row: unknown[]) => void): CoreQuery;
  on(event: 'end', fn: () => void): CoreQuery;
  on(event: 'error', fn: (err: Error & { fatal?: boolean; code?: string }) => void): CoreQuery;
}
interface CoreConnection {
  query(options: { sql: string; values: unknown[]; rowsAsArray: boolean }): CoreQuery;
  pause(): void;
  resume(): void;
  threadId: number | null;
  stream: { destroy(): void };
}

const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR']);
function dbError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  if ((typeof code === 'string' && UNAVAILABLE.has(code)) || e.message === 'Queue limit reached.' || e.message === 'Pool is closed.') {
    return new DbUnavailableError(`database unavailable: ${e.message}`, { cause: e });
  }
  return e;
}

async function exportQuery(database: Database, f: LiquidationFilter): Promise<{ sql: string; values: unknown[]; names: Map<number, string> }> {
  const symbols = await listSymbols(database);
  const names = new Map(symbols.map((s) => [s.id, s.name]));
  const parts: string[] = [];
  const values: unknown[] = [];
  if (f.symbol !== undefined) {
    const found = symbols.find((s) => s.name === f.symbol);
    if (!found) throw new UnknownSymbolError(f.symbol);
    parts.push('l.symbol_id = ?');
    values.push(found.id);
  }
  if (f.side !== undefined) {
    parts.push('l.side = ?');
    values.push(f.side);
  }
  if (f.from !== undefined) {
    parts.push('l.order_trade_time >= ?');
    values.push(f.from);
  }
  if (f.to !== undefined) {
    parts.push('l.order_trade_time <= ?');
    values.push(f.to);
  }
  if (f.minUsd !== undefined) {
    parts.push(`${USD} >= ?`);
    values.push(f.minUsd);
  }
  return { sql: `${SELECT}${parts.length ? ` WHERE ${parts.join(' AND ')}` : ''}${ORDER}`, values, names };
}

/**
 * Every matching row as LIQUIDATION_COLUMNS tuples, newest first, in batches, from one streamed
 * query on one pooled connection. Backpressure: with two batches unread the socket is paused.
 */
export async function* streamLiquidationTuples(
  database: Database,
  filter: LiquidationFilter,
  opts: { signal?: AbortSignal | undefined; batchSize?: number | undefined } = {},
): AsyncGenerator<LiquidationTuple[], void, undefined> {
  const { signal } = opts;
  const batchSize = opts.batchSize ?? EXPORT_CHUNK;
  signal?.throwIfAborted();
  const q = await exportQuery(database, filter);
  let pooled: Awaited<ReturnType<Database['pool']['getConnection']>>;
  try {
    pooled = await database.pool.getConnection();
  } catch (err) {
    throw dbError(err);
  }
  const conn = (pooled as unknown as { connection: CoreConnection }).connection;
  const names = q.names;
  let batch: unknown[][] = [];
  const ready: unknown[][][] = [];
  let ended = false;
  let failure: (Error & { fatal?: boolean }) | null = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  conn
    .query({ sql: q.sql, values: q.values, rowsAsArray: true })
    .on('result', (row) => {
      batch.push(row);
      if (batch.length >= batchSize) {
        ready.push(batch);
        batch = [];
        if (ready.length >= 2 && !paused) {
          paused = true;
          conn.pause();
        }
        notify();
      }
    })
    .on('end', () => {
      if (batch.length > 0) ready.push(batch);
      batch = [];
      ended = true;
      notify();
    })
    .on('error', (err) => {
      failure = err;
      notify();
    });
  signal?.addEventListener('abort', notify);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const next = ready.shift();
      if (next) {
        if (paused && ready.length < 2) {
          paused = false;
          conn.resume();
        }
        for (const row of next) {
          const id = row[1] as number;
          row[1] = names.get(id) ?? String(id);
        }
        yield next as LiquidationTuple[];
        continue;
      }
      if (failure) throw dbError(failure);
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    const f = failure as (Error & { fatal?: boolean }) | null;
    if (ended || (f && !f.fatal)) {
      pooled.release();
    } else {
      const threadId = conn.threadId;
      pooled.destroy();
      conn.stream.destroy();
      if (threadId !== null && !f) database.pool.query(`KILL QUERY ${Number(threadId)}`).catch(() => undefined);
    }
  }
}
