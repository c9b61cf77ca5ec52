import { liquidationTupleToRow, SIDES, type LiquidationRow, type LiquidationTuple, type Side } from '@wick/market';
import { internalsOf, query, type Database } from './client.ts';
import { InvalidQueryError } from './errors.ts';
import { streamBatches, type StreamOptions } from './row-stream.ts';
import { listSymbols, symbolId } from './symbols.ts';

export interface LiquidationFilter {
  symbol?: string;
  side?: Side;
  /** Inclusive, ms. */
  from?: number;
  /** Inclusive, ms. */
  to?: number;
  /** average_price × accumulated_fill_quantity >= minUsd. */
  minUsd?: number;
}

export interface KeysetCursor {
  time: number;
  id: number;
}

const USD = 'l.average_price * l.accumulated_fill_quantity';

// symbol_id comes back in the symbol slot and is swapped for the name in TS: a join would let
// the optimizer drive from `symbols` and sort instead of walking the keyset index.
export const LIQUIDATION_SELECT =
  'SELECT l.id, l.symbol_id, l.side, l.order_type, l.time_in_force, l.original_quantity, l.price,' +
  ' l.average_price, l.order_status, l.last_fill_quantity, l.accumulated_fill_quantity,' +
  ` l.order_trade_time, CAST(${USD} AS DECIMAL(44,10)) AS usd FROM liquidation_orders l`;

const ORDER = ' ORDER BY l.order_trade_time DESC, l.id DESC';

function checkMs(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
    throw new InvalidQueryError(`${name} must be a non-negative integer of ms, got ${v}`);
  }
}

async function whereClause(database: Database, f: LiquidationFilter, after?: KeysetCursor): Promise<{ sql: string; values: unknown[] }> {
  checkMs('from', f.from);
  checkMs('to', f.to);
  const parts: string[] = [];
  const values: unknown[] = [];
  if (f.symbol !== undefined) {
    parts.push('l.symbol_id = ?');
    values.push(await symbolId(database, f.symbol));
  }
  if (f.side !== undefined) {
    if (!SIDES.includes(f.side)) throw new InvalidQueryError(`side must be ${SIDES.join(' or ')}`);
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
  if (after !== undefined) {
    checkMs('after.time', after.time);
    if (!(Number.isSafeInteger(after.id) && after.id >= 0)) throw new InvalidQueryError('after.id must be an id');
    // Not a row constructor (may use only part of the index). Measured on MariaDB 10.11, 5 M
    // rows, page at depth 900k: the looser `t <= ? AND (t < ? OR id < ?)` read ~20k index
    // entries; the `t <= ?` prefix plus the exact tie condition reads ~100 (with FORCE INDEX,
    // see keysetIndex).
    parts.push('l.order_trade_time <= ? AND (l.order_trade_time < ? OR (l.order_trade_time = ? AND l.id < ?))');
    values.push(after.time, after.time, after.time, after.id);
  }
  if (f.minUsd !== undefined) {
    if (!(Number.isFinite(f.minUsd) && f.minUsd >= 0)) throw new InvalidQueryError('minUsd must be >= 0');
    parts.push(`${USD} >= ?`);
    values.push(f.minUsd);
  }
  return { sql: parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '', values };
}

/**
 * The index that serves the keyset order. Without the hint MariaDB 10.11 picks `ref` access on
 * symbol_id for a large symbol and walks from its newest row down to the cursor (17-20 s for a
 * page 900k rows deep on 5 M rows, vs ~35 ms forced). FORCE INDEX is accepted by MySQL 8.4 too.
 */
function keysetIndex(f: LiquidationFilter): string {
  return f.symbol !== undefined ? ' FORCE INDEX (ix_liq_symbol_time_id)' : ' FORCE INDEX (ix_liq_time_id)';
}

async function nameOf(database: Database, id: number): Promise<string> {
  const names = internalsOf(database).symbolNames;
  let name = names.get(id);
  if (name === undefined) {
    await listSymbols(database);
    name = names.get(id);
  }
  return name ?? String(id);
}

/** Swaps symbol ids for names in place (rows of LIQUIDATION_SELECT); ids unknown to the cache trigger one reload. */
export async function nameTuples(database: Database, rows: unknown[][]): Promise<LiquidationTuple[]> {
  const names = internalsOf(database).symbolNames;
  for (const r of rows) {
    const id = r[1] as number;
    r[1] = names.get(id) ?? (await nameOf(database, id));
  }
  return rows as LiquidationTuple[];
}

export const MAX_LIQUIDATION_PAGE = 10_000;

/** One page, newest first by (order_trade_time DESC, id DESC); `next` is null on the last page. */
export async function listLiquidations(
  database: Database,
  q: LiquidationFilter & { after?: KeysetCursor; limit: number },
): Promise<{ rows: LiquidationRow[]; next: KeysetCursor | null }> {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_LIQUIDATION_PAGE) {
    throw new InvalidQueryError(`limit must be an integer in 1..${MAX_LIQUIDATION_PAGE}`);
  }
  const where = await whereClause(database, q, q.after);
  const sql = `${LIQUIDATION_SELECT}${keysetIndex(q)}${where.sql}${ORDER} LIMIT ?`;
  const raw = await query<unknown[][]>(database, sql, [...where.values, q.limit + 1], { rowsAsArray: true });
  const more = raw.length > q.limit;
  if (more) raw.length = q.limit;
  const rows = (await nameTuples(database, raw)).map(liquidationTupleToRow);
  const last = rows[rows.length - 1];
  return { rows, next: more && last ? { time: last.orderTradeTime, id: last.id } : null };
}

export interface LiquidationBucket {
  bucket: number;
  longUsd: number;
  shortUsd: number;
  longCount: number;
  shortCount: number;
}

/** A guard on the size of one summary query's answer (the API bounds its callers far lower). */
export const MAX_BUCKETS_PER_SUMMARY_QUERY = 100_000;

/**
 * Buckets of width bucketMs aligned to the epoch, from..to inclusive, zero-filled. SELL orders
 * liquidate longs, BUY orders shorts. Sums are exact DECIMALs in SQL, converted once to numbers.
 */
export async function summarizeLiquidations(
  database: Database,
  q: { symbol?: string; from: number; to: number; bucketMs: number },
): Promise<LiquidationBucket[]> {
  checkMs('from', q.from);
  checkMs('to', q.to);
  if (!Number.isSafeInteger(q.bucketMs) || q.bucketMs < 1) throw new InvalidQueryError('bucketMs must be a positive integer');
  if (q.to < q.from) throw new InvalidQueryError('to must be >= from');
  const first = Math.floor(q.from / q.bucketMs) * q.bucketMs;
  const last = Math.floor(q.to / q.bucketMs) * q.bucketMs;
  const count = (last - first) / q.bucketMs + 1;
  if (count > MAX_BUCKETS_PER_SUMMARY_QUERY) {
    throw new InvalidQueryError(`at most ${MAX_BUCKETS_PER_SUMMARY_QUERY} buckets per summary: widen bucketMs or narrow from..to`);
  }
  const where = await whereClause(database, { symbol: q.symbol, from: q.from, to: q.to });
  const rows = await query<[number, string | null, string | null, string | null, string | null][]>(
    database,
    `SELECT (l.order_trade_time DIV ?) * ? AS bucket,` +
      ` SUM(CASE WHEN l.side = 'SELL' THEN ${USD} ELSE 0 END),` +
      ` SUM(CASE WHEN l.side = 'BUY' THEN ${USD} ELSE 0 END),` +
      ` SUM(CASE WHEN l.side = 'SELL' THEN 1 ELSE 0 END),` +
      ` SUM(CASE WHEN l.side = 'BUY' THEN 1 ELSE 0 END)` +
      ` FROM liquidation_orders l${where.sql} GROUP BY bucket ORDER BY bucket`,
    [q.bucketMs, q.bucketMs, ...where.values],
    { rowsAsArray: true },
  );
  const out: LiquidationBucket[] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = { bucket: first + i * q.bucketMs, longUsd: 0, shortUsd: 0, longCount: 0, shortCount: 0 };
  }
  for (const r of rows) {
    const b = out[(Number(r[0]) - first) / q.bucketMs];
    if (!b) continue;
    b.longUsd = Number(r[1] ?? 0);
    b.shortUsd = Number(r[2] ?? 0);
    b.longCount = Number(r[3] ?? 0);
    b.shortCount = Number(r[4] ?? 0);
  }
  return out;
}

/**
 * Every matching row, newest first, as tuples in LIQUIDATION_COLUMNS order, in batches: what a
 * CSV/NDJSON export writes without building an object per row.
 */
export async function* streamLiquidationsRaw(
  database: Database,
  q: LiquidationFilter,
  opts: StreamOptions = {},
): AsyncGenerator<LiquidationTuple[], void, undefined> {
  const where = await whereClause(database, q);
  await listSymbols(database);
  for await (const batch of streamBatches(database, `${LIQUIDATION_SELECT}${keysetIndex(q)}${where.sql}${ORDER}`, where.values, opts)) {
    yield await nameTuples(database, batch);
  }
}

/** Every matching row, newest first. Breaking out of for-await or aborting ends the query. */
export async function* streamLiquidations(
  database: Database,
  q: LiquidationFilter,
  opts: { signal?: AbortSignal } = {},
): AsyncGenerator<LiquidationRow, void, undefined> {
  for await (const batch of streamLiquidationsRaw(database, q, { signal: opts.signal, batchSize: 500 })) {
    for (const t of batch) yield liquidationTupleToRow(t);
  }
}
