import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { canonicalDecimal } from './canonical-decimal.ts';
import { LIQUIDATION_FIELD_COLUMNS, type LiquidationFields } from './liquidation-fields.ts';

/** A row of `liquidation_orders` without its id: symbol_id, then the fields. */
export type LiquidationInsertRow = [symbolId: number, ...fields: LiquidationFields];

// liquidationSnapshot rows and forceOrder events carry no exchange id: a liquidation is what
// its natural key says (uq_liq_natural, schema.ts). A duplicate is the same liquidation, so it
// is left as stored: re-sending or re-importing changes nothing.
const INSERT_SQL = `INSERT INTO liquidation_orders (symbol_id, ${LIQUIDATION_FIELD_COLUMNS.join(', ')}) VALUES ? ON DUPLICATE KEY UPDATE id = id`;

/** Inserts the rows whose natural key is not stored yet; returns how many were new. */
export async function insertNewLiquidations(conn: PoolConnection, rows: readonly LiquidationInsertRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const [header] = await conn.query<ResultSetHeader>(INSERT_SQL, [rows]);
  // An untouched duplicate counts 0 affected rows (FOUND_ROWS is off, client.ts).
  return header.affectedRows;
}

/**
 * The natural key as text, equal exactly for the rows the unique key holds equal (decimals
 * compared by value, as the server compares them).
 */
export function naturalKey(symbolId: number, orderTradeTime: number, side: string, price: string, originalQuantity: string): string {
  return `${symbolId}|${orderTradeTime}|${side}|${canonicalDecimal(price)}|${canonicalDecimal(originalQuantity)}`;
}

/** The natural key of a row about to be inserted. */
export function naturalKeyOf(row: LiquidationInsertRow): string {
  const [symbolId, side, , , originalQuantity, price, , , , , orderTradeTime] = row;
  return naturalKey(symbolId, orderTradeTime, side, price, originalQuantity);
}
