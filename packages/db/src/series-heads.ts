import { INTERVALS, type Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';

/**
 * The database server's clock in µs since the epoch (UTC_TIMESTAMP is the UTC wall clock whatever
 * the session time zone, and TIMESTAMPDIFF of two DATETIMEs is plain arithmetic: no DST fold can
 * move it back). Valid SQL on MariaDB and MySQL 8.4. Now ≈ 1.8e15: a rev based on it stays a safe
 * JavaScript integer for 7e15 more commits (or until the year 2255).
 */
export const REV_CLOCK_SQL = "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6))";

/** A series' row in `series_heads` as a write finds it. */
export interface SeriesHead {
  /**
   * The rev of the series' last commit; a head created without one holds its base: the database
   * clock in µs when it was created (REV_CLOCK_SQL). Revs count commits from there, so a database
   * dropped and created again (or re-seeded) continues above every rev the old one handed out —
   * the cache ignores a head that is not newer than the one it holds. (Rows that predate the base,
   * from migration 0001, count from 0.)
   */
  rev: number;
  /** Open time of the series' last stored candle as of `rev`; null before a write reported one. */
  lastOpenTime: number | null;
}

type HeadRow = [interval: Interval, rev: number, lastOpenTime: number | null];

async function readHeads(conn: PoolConnection, symbolId: number, intervals: readonly Interval[], lock: boolean) {
  // The primary key (symbol_id, interval) orders an ENUM by its ordinal: INTERVALS order.
  const [rows] = await conn.query({
    sql:
      'SELECT `interval`, rev, last_open_time FROM series_heads WHERE symbol_id = ? AND `interval` IN (?) ORDER BY `interval`' +
      (lock ? ' FOR UPDATE' : ''),
    values: [symbolId, intervals],
    rowsAsArray: true,
  });
  return new Map(
    (rows as HeadRow[]).map(([iv, rev, last]) => [iv, { rev: Number(rev), lastOpenTime: last === null ? null : Number(last) }]),
  );
}

/**
 * Locks the heads of `intervals` for the rest of the caller's transaction and reads them. Every
 * candle writer of a series takes its head first, in INTERVALS order (1m, 5m, …, 1d), so writers
 * of a series serialize without deadlocking, and each one sees what the one before it committed.
 * A head that does not exist yet is created to be locked (READ COMMITTED takes no gap locks, so
 * locking a missing row would lock nothing), at the clock base and with no last candle.
 */
export async function lockSeriesHeads(
  conn: PoolConnection,
  symbolId: number,
  intervals: readonly Interval[],
): Promise<Map<Interval, SeriesHead>> {
  const ordered = INTERVALS.filter((iv) => intervals.includes(iv));
  const heads = await readHeads(conn, symbolId, ordered, true);
  const missing = ordered.filter((iv) => !heads.has(iv));
  if (missing.length === 0) return heads;
  // On a row created meanwhile the upsert waits for its creator, then takes an exclusive lock
  // (INSERT IGNORE would take a shared one and deadlock on the upgrade to exclusive).
  // The database's clock, not this process's: every writer of a database counts from the same one.
  await conn.query(
    'INSERT INTO series_heads (symbol_id, `interval`, rev) VALUES ' +
      missing.map(() => `(?, ?, ${REV_CLOCK_SQL})`).join(', ') +
      ' ON DUPLICATE KEY UPDATE rev = rev',
    missing.flatMap((iv) => [symbolId, iv]),
  );
  // Ours or a creator's that committed meanwhile: every one is locked by now (the insert or the upsert).
  return readHeads(conn, symbolId, ordered, false);
}

/** Stores the heads a write leaves (the caller holds their locks). */
export async function saveSeriesHeads(
  conn: PoolConnection,
  symbolId: number,
  heads: readonly ({ interval: Interval } & SeriesHead)[],
): Promise<void> {
  if (heads.length === 0) return;
  await conn.query(
    'INSERT INTO series_heads (symbol_id, `interval`, rev, last_open_time) VALUES ?' +
      ' ON DUPLICATE KEY UPDATE rev = VALUES(rev), last_open_time = VALUES(last_open_time)',
    [heads.map((h) => [symbolId, h.interval, h.rev, h.lastOpenTime])],
  );
}

/**
 * After data reached the database behind Wick's writes with older revs (a backup restored, a dump
 * loaded): every head moves up to the clock base if it is below it, and forgets its last candle. A
 * cache may hold heads of the replaced data at any rev up to the clock; below them, its advances
 * would be ignored. With no last candle, the next write of each series is not tail-only: it bumps
 * the series' generation. Returns the heads moved. (The seed creates its heads so already.)
 */
export async function rebaseSeriesHeads(conn: PoolConnection): Promise<number> {
  // In INTERVALS order per symbol, as every writer locks them: no deadlock with a running ingest.
  const [result] = await conn.query(
    `UPDATE series_heads SET rev = GREATEST(rev, ${REV_CLOCK_SQL}), last_open_time = NULL ORDER BY symbol_id, \`interval\``,
  );
  return (result as { affectedRows: number }).affectedRows;
}
