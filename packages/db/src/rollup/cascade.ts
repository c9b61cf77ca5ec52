import { candleOpenTime, INTERVAL_MS, INTERVALS, ROLLUP_INTERVALS, type Interval } from '@wick/market';
import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';

export type RollupInterval = (typeof ROLLUP_INTERVALS)[number];

/**
 * Each derived interval with the finer one it is computed from (5m from 1m, 15m from 5m, …, 1d
 * from 4h): every bucket is recomputed from at most 6 rows, so a write costs O(touched buckets).
 */
export const ROLLUP_STEPS: readonly { interval: RollupInterval; from: Interval }[] = ROLLUP_INTERVALS.map((interval) => ({
  interval,
  from: INTERVALS[INTERVALS.indexOf(interval) - 1]!,
}));

/** A span [from, to) of open times, aligned to one interval's buckets. */
export type Span = [from: number, to: number];

/** The buckets of `interval` holding `times` (ascending), merged into contiguous spans. */
export function touchedSpans(interval: Interval, ascendingTimes: readonly number[]): Span[] {
  const width = INTERVAL_MS[interval];
  const spans: Span[] = [];
  for (const t of ascendingTimes) {
    const bucket = candleOpenTime(interval, t);
    const last = spans[spans.length - 1];
    if (last && bucket < last[1]) continue;
    if (last && bucket === last[1]) last[1] = bucket + width;
    else spans.push([bucket, bucket + width]);
  }
  return spans;
}

/** The buckets of `interval` that overlap [from, to), as one span. */
export function coveringSpan(interval: Interval, from: number, to: number): Span {
  return [candleOpenTime(interval, from), candleOpenTime(interval, to - 1) + INTERVAL_MS[interval]];
}

const SPANS_PER_STATEMENT = 500;

/**
 * Recomputes the buckets of `step.interval` in `spans` from the rows of `step.from` below them:
 * open = first open, high = max, low = min, close = last close, volume, quote volume and trades
 * summed. Decimals never leave SQL (first/last travel as the DECIMAL's own text through
 * GROUP_CONCAT), so aggregates are exact. The derived table keeps the ON DUPLICATE KEY UPDATE
 * unambiguous on MySQL 8.4 (source and target are the same table); VALUES() is the upsert
 * spelling MariaDB and MySQL both accept.
 */
function recomputeSql(step: (typeof ROLLUP_STEPS)[number], spanCount: number): string {
  const width = INTERVAL_MS[step.interval];
  const inSpans = Array.from({ length: spanCount }, () => '(open_time >= ? AND open_time < ?)').join(' OR ');
  return (
    'INSERT INTO candles (symbol_id, `interval`, open_time, open, high, low, close, volume, quote_volume, trades)' +
    ` SELECT sid, '${step.interval}', bucket, first_open, max_high, min_low, last_close, sum_volume, sum_quote, sum_trades FROM (` +
    ` SELECT symbol_id AS sid, open_time - open_time % ${width} AS bucket,` +
    " SUBSTRING_INDEX(GROUP_CONCAT(open ORDER BY open_time ASC), ',', 1) AS first_open," +
    ' MAX(high) AS max_high, MIN(low) AS min_low,' +
    " SUBSTRING_INDEX(GROUP_CONCAT(close ORDER BY open_time DESC), ',', 1) AS last_close," +
    ' SUM(volume) AS sum_volume, SUM(quote_volume) AS sum_quote, SUM(trades) AS sum_trades' +
    ` FROM candles WHERE symbol_id = ? AND \`interval\` = '${step.from}' AND (${inSpans})` +
    ' GROUP BY sid, bucket) AS agg' +
    ' ON DUPLICATE KEY UPDATE open = VALUES(open), high = VALUES(high), low = VALUES(low), close = VALUES(close),' +
    ' volume = VALUES(volume), quote_volume = VALUES(quote_volume), trades = VALUES(trades)'
  );
}

/** Recomputes the buckets; returns the affected-rows count (0 when no bucket changed, see upsert-counts.ts). */
async function recompute(conn: PoolConnection, symbolId: number, step: (typeof ROLLUP_STEPS)[number], spans: Span[]): Promise<number> {
  let affected = 0;
  for (let at = 0; at < spans.length; at += SPANS_PER_STATEMENT) {
    const chunk = spans.slice(at, at + SPANS_PER_STATEMENT);
    const [header] = await conn.query<ResultSetHeader>(recomputeSql(step, chunk.length), [symbolId, ...chunk.flat()]);
    affected += header.affectedRows;
  }
  return affected;
}

/**
 * Re-derives every higher-interval bucket holding one of `minuteTimes` (ascending), finest level
 * first so each level reads the one just recomputed; returns, per level, whether a bucket
 * changed. The caller holds the heads of every series (series-heads.ts) and runs at READ
 * COMMITTED, so each statement sees every committed minute.
 */
export async function rollUpMinutes(
  conn: PoolConnection,
  symbolId: number,
  minuteTimes: readonly number[],
): Promise<Map<RollupInterval, boolean>> {
  const changed = new Map<RollupInterval, boolean>();
  for (const step of ROLLUP_STEPS) {
    changed.set(step.interval, (await recompute(conn, symbolId, step, touchedSpans(step.interval, minuteTimes))) > 0);
  }
  return changed;
}

/** The same roll-up over every bucket overlapping [from, to): the set-based form bulk loads use. */
export async function rollUpSpan(conn: PoolConnection, symbolId: number, from: number, to: number): Promise<void> {
  for (const step of ROLLUP_STEPS) await recompute(conn, symbolId, step, [coveringSpan(step.interval, from, to)]);
}
