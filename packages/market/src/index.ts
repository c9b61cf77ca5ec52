/**
 * @wick/market — the domain types every layer shares (db, cache, api, server, client, web).
 * A leaf: it imports nothing of ours, so anything may import it.
 */
export { INTERVALS, INTERVAL_MS, ROLLUP_INTERVALS, isInterval, candleOpenTime, isCandleOpen, type Interval } from './intervals.ts';
export { CANDLE_COLUMN_NAMES, emptyCandleColumns, type CandleColumns } from './candle-columns.ts';
export { SIDES, LIQUIDATION_COLUMNS, liquidationTupleToRow, type Side, type LiquidationRow, type LiquidationTuple } from './liquidation.ts';
export { SYMBOL_PATTERN, SYMBOL_RULE, isSymbolName } from './symbol.ts';
export { SeededRandom, deriveSeed } from './seeded-random.ts';
