import { candleOpenTime, INTERVAL_MS, ROLLUP_INTERVALS } from '@wick/market';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { WriteConflict } from '../write-transaction.ts';

// Every candle writer of a symbol-day holds that day's 1d row lock for its whole transaction,
// taken first and in ascending day order: writers of one symbol-day are serialised (nothing
// else is), without deadlocks, and each reads what the one before it committed. READ COMMITTED
// takes no gap locks, so a missing 1d row is created to be locked: a placeholder that the
// writer's own roll-up overwrites (minute writers) or removes (direct writers) before commit,
// so no one else ever sees it.

const DAY = INTERVAL_MS['1d'];

/** The UTC days (open times of their 1d buckets) that `times` fall on, ascending and distinct. */
export function daysOf(times: Iterable<number>): number[] {
  const days = new Set<number>();
  for (const t of times) days.add(candleOpenTime('1d', t));
  return [...days].sort((a, b) => a - b);
}

const placeholders = (symbolId: number, days: readonly number[]) => days.map((d) => [symbolId, '1d', d, 0, 0, 0, 0, 0]);
const PLACEHOLDER_SQL = 'INSERT INTO candles (symbol_id, `interval`, open_time, open, high, low, close, volume) VALUES ?';

export async function lockDaysForMinuteWrite(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<void> {
  if (days.length === 0) return;
  await conn.query(`${PLACEHOLDER_SQL} ON DUPLICATE KEY UPDATE trades = trades`, [placeholders(symbolId, days)]);
}

/**
 * Locks the days of a direct write; returns the days whose 1d row it had to create (the caller
 * removes those it does not fill itself, see releaseCreatedDays). A day without a 1d row has no
 * 1m candles: every minute writer leaves one.
 */
export async function lockDaysForDirectWrite(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<number[]> {
  if (days.length === 0) return [];
  // Waits for a minute writer in flight on one of these days, then sees its minutes.
  const [rows] = await conn.query<RowDataPacket[]>(
    "SELECT open_time FROM candles WHERE symbol_id = ? AND `interval` = '1d' AND open_time IN (?) FOR UPDATE",
    [symbolId, days],
  );
  const existing = new Set(rows.map((r) => Number(r.open_time)));
  const created = days.filter((d) => !existing.has(d));
  if (created.length === 0) return created;
  try {
    await conn.query(PLACEHOLDER_SQL, [placeholders(symbolId, created)]);
  } catch (err) {
    // Another writer created one of these rows since the locking read: start over.
    if ((err as { errno?: unknown }).errno === 1062) throw new WriteConflict('a day row appeared under a direct write', { cause: err });
    throw err;
  }
  return created;
}

export async function releaseCreatedDays(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<void> {
  if (days.length === 0) return;
  await conn.query("DELETE FROM candles WHERE symbol_id = ? AND `interval` = '1d' AND open_time IN (?)", [symbolId, days]);
}

const DAYS_PER_PROBE = 200;

/** Which of `days` hold at least one 1m candle: one primary-key probe per day. */
export async function daysWithMinuteCandles(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let at = 0; at < days.length; at += DAYS_PER_PROBE) {
    const chunk = days.slice(at, at + DAYS_PER_PROBE);
    const probe = "(SELECT ? AS day FROM candles WHERE symbol_id = ? AND `interval` = '1m' AND open_time >= ? AND open_time < ? LIMIT 1)";
    const [rows] = await conn.query<RowDataPacket[]>(
      chunk.map(() => probe).join(' UNION ALL '),
      chunk.flatMap((d) => [d, symbolId, d, d + DAY]),
    );
    for (const r of rows) found.add(Number(r.day));
  }
  return found;
}

const SUB_DAY_ROLLUPS = ROLLUP_INTERVALS.filter((iv) => iv !== '1d');

/**
 * The first 1m candles of a day supersede what was written directly for it (imported 5m…4h
 * candles of a day without 1m): from now on every higher interval of the day derives from its
 * 1m, and a leftover direct candle would sit in a bucket no roll-up accounts for. Its 1d row is
 * recomputed by the roll-up anyway. Call with the days locked, before writing the minutes.
 */
export async function supersedeDirectCandles(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<void> {
  const withMinutes = await daysWithMinuteCandles(conn, symbolId, days);
  const first = days.filter((d) => !withMinutes.has(d));
  if (first.length === 0) return;
  await conn.query(
    `DELETE FROM candles WHERE symbol_id = ? AND \`interval\` IN (?) AND (${first.map(() => '(open_time >= ? AND open_time < ?)').join(' OR ')})`,
    [symbolId, SUB_DAY_ROLLUPS, ...first.flatMap((d) => [d, d + DAY])],
  );
}
