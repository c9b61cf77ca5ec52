import { INTERVALS, SIDES } from '@wick/market';
import { bigint, boolean, decimal, index, int, mysqlEnum, mysqlTable, primaryKey, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';

// Prices hold BTC (1e5) and sub-satoshi alt prices (1e-10); quantities and volumes need more
// integer digits (1000PEPE-style contracts trade in the 1e9s).
const price = (name: string) => decimal(name, { precision: 24, scale: 10 });
const quantity = (name: string) => decimal(name, { precision: 30, scale: 10 });

export const symbols = mysqlTable('symbols', {
  id: int('id', { unsigned: true }).autoincrement().primaryKey(),
  name: varchar('name', { length: 32 }).notNull().unique('uq_symbols_name'),
  base: varchar('base', { length: 16 }).notNull(),
  quote: varchar('quote', { length: 16 }).notNull(),
  active: boolean('active').notNull().default(true),
});

export const candles = mysqlTable(
  'candles',
  {
    symbolId: int('symbol_id', { unsigned: true })
      .notNull()
      .references(() => symbols.id),
    interval: mysqlEnum('interval', INTERVALS).notNull(),
    openTime: bigint('open_time', { mode: 'number' }).notNull(),
    open: price('open').notNull(),
    high: price('high').notNull(),
    low: price('low').notNull(),
    close: price('close').notNull(),
    volume: quantity('volume').notNull(),
    quoteVolume: decimal('quote_volume', { precision: 36, scale: 10 }).notNull().default('0'),
    trades: int('trades', { unsigned: true }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'pk_candles', columns: [t.symbolId, t.interval, t.openTime] })],
);

/**
 * One row per candle series (symbol, interval): the revision of its last committed write and the
 * open time of its last stored candle. Every candle writer locks the rows of the series it
 * touches first (series-heads.ts), so writers of a series serialize and `rev` counts commits in
 * commit order. Rows are created on demand; last_open_time is NULL until a write reports it.
 */
export const seriesHeads = mysqlTable(
  'series_heads',
  {
    symbolId: int('symbol_id', { unsigned: true })
      .notNull()
      .references(() => symbols.id),
    interval: mysqlEnum('interval', INTERVALS).notNull(),
    rev: bigint('rev', { mode: 'number', unsigned: true }).notNull().default(0),
    lastOpenTime: bigint('last_open_time', { mode: 'number' }),
  },
  (t) => [primaryKey({ name: 'pk_series_heads', columns: [t.symbolId, t.interval] })],
);

export const liquidationOrders = mysqlTable(
  'liquidation_orders',
  {
    id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
    symbolId: int('symbol_id', { unsigned: true })
      .notNull()
      .references(() => symbols.id),
    side: mysqlEnum('side', SIDES).notNull(),
    orderType: varchar('order_type', { length: 16 }).notNull(),
    timeInForce: varchar('time_in_force', { length: 8 }).notNull(),
    originalQuantity: quantity('original_quantity').notNull(),
    price: price('price').notNull(),
    averagePrice: price('average_price').notNull(),
    orderStatus: varchar('order_status', { length: 16 }).notNull(),
    lastFillQuantity: quantity('last_fill_quantity').notNull(),
    accumulatedFillQuantity: quantity('accumulated_fill_quantity').notNull(),
    orderTradeTime: bigint('order_trade_time', { mode: 'number' }).notNull(),
  },
  (t) => [
    // Keyset order for one symbol, and for all symbols (without the second one an unfiltered
    // page scans and sorts the whole table).
    index('ix_liq_symbol_time_id').on(t.symbolId, t.orderTradeTime, t.id),
    index('ix_liq_time_id').on(t.orderTradeTime, t.id),
    // liquidationSnapshot rows carry no exchange id: a row is identified by what it is. Two rows
    // equal on all of these are indistinguishable in the source file, so importing them once
    // is the only idempotent reading. Time-leading keeps inserts append-mostly (unlike a hash).
    uniqueIndex('uq_liq_natural').on(t.symbolId, t.orderTradeTime, t.side, t.price, t.originalQuantity),
  ],
);
