/** Order side of a liquidation (Binance forceOrder `S`): SELL liquidates a long, BUY a short. */
export const SIDES = ['BUY', 'SELL'] as const;
export type Side = (typeof SIDES)[number];

/**
 * A liquidation order with Binance forceOrder's fields. Decimals are exact strings as stored
 * (scale 10); usd = averagePrice × accumulatedFillQuantity, rounded to 10 decimals.
 */
export interface LiquidationRow {
  id: number;
  symbol: string;
  side: Side;
  orderType: string;
  timeInForce: string;
  originalQuantity: string;
  price: string;
  averagePrice: string;
  orderStatus: string;
  lastFillQuantity: string;
  accumulatedFillQuantity: string;
  orderTradeTime: number;
  usd: string;
}

/** Column order of LiquidationTuple: the header of a CSV export and the keys of an NDJSON one. */
export const LIQUIDATION_COLUMNS = [
  'id',
  'symbol',
  'side',
  'order_type',
  'time_in_force',
  'original_quantity',
  'price',
  'average_price',
  'order_status',
  'last_fill_quantity',
  'accumulated_fill_quantity',
  'order_trade_time',
  'usd',
] as const;

/** A LiquidationRow as a positional tuple in LIQUIDATION_COLUMNS order (the streaming exports' form). */
export type LiquidationTuple = [
  id: number,
  symbol: string,
  side: Side,
  orderType: string,
  timeInForce: string,
  originalQuantity: string,
  price: string,
  averagePrice: string,
  orderStatus: string,
  lastFillQuantity: string,
  accumulatedFillQuantity: string,
  orderTradeTime: number,
  usd: string,
];

export function liquidationTupleToRow(t: LiquidationTuple): LiquidationRow {
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
