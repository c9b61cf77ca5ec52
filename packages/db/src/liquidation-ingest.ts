import { liquidationTupleToRow, type LiquidationRow } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import type { Database } from './client.ts';
import { InvalidQueryError } from './errors.ts';
import { liquidationFields, RowError } from './import/parse.ts';
import { insertNewLiquidations, naturalKey, naturalKeyOf, type LiquidationInsertRow } from './liquidation-insert.ts';
import { LIQUIDATION_SELECT, nameTuples } from './liquidations.ts';
import { symbolId } from './symbols.ts';
import { inWriteTransaction, WriteConflict } from './write-transaction.ts';

/** A liquidation as Binance's forceOrder stream reports it: a stored row before it has an id (and its usd). */
export type LiquidationEvent = Omit<LiquidationRow, 'id' | 'usd'>;

export const MAX_LIQUIDATIONS_PER_INSERT = 10_000;

async function toRows(database: Database, events: readonly LiquidationEvent[]): Promise<LiquidationInsertRow[]> {
  const rows: LiquidationInsertRow[] = [];
  for (const [i, event] of events.entries()) {
    let fields;
    try {
      fields = liquidationFields(event, (key) => key);
    } catch (err) {
      if (err instanceof RowError) throw new InvalidQueryError(`liquidation ${i}: ${err.message}`);
      throw err;
    }
    if (typeof event.symbol !== 'string') throw new InvalidQueryError(`liquidation ${i}: symbol must be a string`);
    rows.push([await symbolId(database, event.symbol), ...fields]);
  }
  return rows;
}

const PAIRS_PER_READ = 500;

/** The stored rows (LIQUIDATION_SELECT tuples, symbol ids as read) sharing a natural key with `rows`, by key. */
async function storedByKey(conn: PoolConnection, rows: readonly LiquidationInsertRow[]): Promise<Map<string, unknown[]>> {
  const pairs = [...new Map(rows.map((r) => [`${r[0]}|${r[10]}`, [r[0], r[10]]])).values()];
  const wanted = new Set(rows.map(naturalKeyOf));
  const found = new Map<string, unknown[]>();
  for (let at = 0; at < pairs.length; at += PAIRS_PER_READ) {
    const chunk = pairs.slice(at, at + PAIRS_PER_READ);
    // (symbol_id, order_trade_time) is the unique key's prefix: one short range per pair.
    const [stored] = await conn.query({
      sql: `${LIQUIDATION_SELECT} WHERE ${chunk.map(() => '(l.symbol_id = ? AND l.order_trade_time = ?)').join(' OR ')}`,
      values: chunk.flat(),
      rowsAsArray: true,
    });
    for (const t of stored as unknown[][]) {
      const key = naturalKey(Number(t[1]), Number(t[11]), String(t[2]), String(t[6]), String(t[5]));
      if (wanted.has(key)) found.set(key, t);
    }
  }
  return found;
}

/**
 * Stores liquidation events (the API's `liquidations.ingest`) in one transaction and returns the
 * rows that were new, with their ids and usd, ascending by id: what a live feed publishes.
 * Idempotent on the natural key: an event already stored (or repeated within the call) is left
 * as it is and not returned. Every event is checked first: an unknown symbol throws
 * UnknownSymbolError, a field that does not fit its column InvalidQueryError naming it.
 */
export async function insertLiquidations(database: Database, events: readonly LiquidationEvent[]): Promise<LiquidationRow[]> {
  if (!Array.isArray(events) || events.length > MAX_LIQUIDATIONS_PER_INSERT) {
    throw new InvalidQueryError(`at most ${MAX_LIQUIDATIONS_PER_INSERT} liquidations per call`);
  }
  const byKey = new Map<string, LiquidationInsertRow>();
  for (const row of await toRows(database, events)) {
    const key = naturalKeyOf(row);
    if (!byKey.has(key)) byKey.set(key, row);
  }
  // One order for every caller (time first, so ids follow time): concurrent inserts of
  // overlapping batches then wait for each other instead of deadlocking.
  const unique = [...byKey].sort(([ka, a], [kb, b]) => a[10] - b[10] || a[0] - b[0] || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, r]) => r);
  if (unique.length === 0) return [];
  return inWriteTransaction(database, async (conn) => {
    const stored = await storedByKey(conn, unique);
    const fresh = unique.filter((r) => !stored.has(naturalKeyOf(r)));
    if (fresh.length === 0) return [];
    const inserted = await insertNewLiquidations(conn, fresh);
    // Another writer stored one of them since the read: start over, it then reads as stored.
    if (inserted !== fresh.length) throw new WriteConflict('a liquidation of this batch was stored concurrently');
    const mine = await storedByKey(conn, fresh);
    const tuples = fresh.map((r) => {
      const t = mine.get(naturalKeyOf(r));
      if (!t) throw new Error('an inserted liquidation cannot be read back in its own transaction');
      return t;
    });
    return (await nameTuples(database, tuples)).map(liquidationTupleToRow).sort((a, b) => a.id - b.id);
  });
}
