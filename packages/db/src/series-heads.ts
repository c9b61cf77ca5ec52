import { INTERVALS, type Interval } from '@wick/market';
import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';

/** A series' row in `series_heads` as a write finds it. */
export interface SeriesHead {
  /** Commits that changed the series so far (0: none recorded). */
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
 * A head that does not exist yet is created to be locked: READ COMMITTED takes no gap locks, so
 * locking a missing row would lock nothing.
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
  const [header] = await conn.query<ResultSetHeader>(
    'INSERT INTO series_heads (symbol_id, `interval`) VALUES ? ON DUPLICATE KEY UPDATE rev = rev',
    [missing.map((iv) => [symbolId, iv])],
  );
  if (header.affectedRows !== missing.length) return readHeads(conn, symbolId, ordered, false);
  for (const iv of missing) heads.set(iv, { rev: 0, lastOpenTime: null });
  return heads;
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
