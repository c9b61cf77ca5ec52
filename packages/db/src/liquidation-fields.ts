import { LIQUIDATION_COLUMNS, type LiquidationTuple } from '@wick/market';

/**
 * A liquidation as written to `liquidation_orders` after symbol_id: the LiquidationTuple without
 * its id (the table assigns it), symbol (stored as symbol_id) and usd (computed on read).
 */
export type LiquidationFields = LiquidationTuple extends [unknown, unknown, ...infer Fields, unknown] ? Fields : never;

/** The table's columns in LiquidationFields order. */
export const LIQUIDATION_FIELD_COLUMNS = LIQUIDATION_COLUMNS.slice(2, -1);

/** The same fields as an API event names them (Binance forceOrder's, spelled out), in LiquidationFields order. */
export const LIQUIDATION_FIELD_KEYS = [
  'side',
  'orderType',
  'timeInForce',
  'originalQuantity',
  'price',
  'averagePrice',
  'orderStatus',
  'lastFillQuantity',
  'accumulatedFillQuantity',
  'orderTradeTime',
] as const;
export type LiquidationFieldKey = (typeof LIQUIDATION_FIELD_KEYS)[number];

/** The column of a field (how the CSV import names it in messages). */
export function liquidationFieldColumn(key: LiquidationFieldKey): string {
  return LIQUIDATION_FIELD_COLUMNS[LIQUIDATION_FIELD_KEYS.indexOf(key)]!;
}
