// Public face of @wick/db. Other packages import only from here; the shared domain types
// (intervals, candle columns, liquidation rows, sides) come from @wick/market.
export { createDatabase, DEFAULT_DATABASE_URL, type Database, type DbOptions, type PoolStats } from './client.ts';
export { migrate, MIGRATIONS_FOLDER } from './migrate.ts';
export * as schema from './schema.ts';
export { listSymbols, ensureSymbols, type SymbolRow } from './symbols.ts';
export {
  getCandles,
  upsertCandles,
  MAX_CANDLES_PER_QUERY,
  type CandleInput,
  type CandleQuery,
  type UpsertOptions,
  type UpsertResult,
} from './candles.ts';
export { DEFAULT_TAIL_LENGTH, MAX_TAIL_LENGTH, type SeriesUpdate } from './series-write.ts';
export { latestMinuteCandle, type StoredCandle } from './latest-candle.ts';
export {
  listLiquidations,
  summarizeLiquidations,
  streamLiquidations,
  streamLiquidationsRaw,
  MAX_LIQUIDATION_PAGE,
  MAX_BUCKETS_PER_SUMMARY_QUERY,
  type KeysetCursor,
  type LiquidationBucket,
  type LiquidationFilter,
} from './liquidations.ts';
export { insertLiquidations, MAX_LIQUIDATIONS_PER_INSERT, type LiquidationEvent } from './liquidation-ingest.ts';
export type { StreamOptions } from './row-stream.ts';
export { DbError, DbUnavailableError, ImportError, InvalidQueryError, RollupConflictError, UnknownSymbolError } from './errors.ts';
export { createTestDatabase, urlForDatabase, type TestDatabase } from './test-database.ts';
export { seed, dataChecksum, type SeedOptions, type SeedProgress, type SeedReport } from './seed/seed.ts';
export type { LoadMethod } from './seed/bulk-load.ts';
export { importCsv, type ImportOptions, type ImportReport, type RollupComparison } from './import/import-csv.ts';
export type { RollupDifference } from './import/rollup-check.ts';
