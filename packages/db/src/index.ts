// Public face of @wick/db. Other packages import only from here.
export { createDatabase, DEFAULT_DATABASE_URL, type Database, type DbOptions, type PoolStats } from './client.ts';
export { migrate, MIGRATIONS_FOLDER } from './migrate.ts';
export * as schema from './schema.ts';
export { INTERVALS, INTERVAL_MS, isInterval, type Interval } from './intervals.ts';
export { listSymbols, ensureSymbols, type SymbolRow } from './symbols.ts';
export { getCandles, upsertCandles, MAX_CANDLES_PER_QUERY, type CandleColumns, type CandleInput, type CandleQuery } from './candles.ts';
export {
  listLiquidations,
  summarizeLiquidations,
  streamLiquidations,
  streamLiquidationsRaw,
  liquidationTupleToRow,
  LIQUIDATION_COLUMNS,
  MAX_LIQUIDATION_PAGE,
  MAX_SUMMARY_BUCKETS,
  type KeysetCursor,
  type LiquidationBucket,
  type LiquidationFilter,
  type LiquidationRow,
  type LiquidationTuple,
  type Side,
} from './liquidations.ts';
export type { StreamOptions } from './row-stream.ts';
export { DbError, DbUnavailableError, ImportError, InvalidQueryError, UnknownSymbolError } from './errors.ts';
export { createTestDatabase, urlForDatabase, type TestDatabase } from './test-database.ts';
export { seed, dataChecksum, DEFAULT_SEED_START, type SeedOptions, type SeedProgress, type SeedReport } from './seed/seed.ts';
export type { LoadMethod } from './seed/bulk-load.ts';
export { importCsv, type ImportOptions, type ImportReport } from './import/import-csv.ts';
