import { emptyCandleColumns, INTERVALS, type CandleColumns, type Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import type { Database } from './client.ts';
import { InvalidQueryError } from './errors.ts';
import { lockSeriesHeads, saveSeriesHeads, type SeriesHead } from './series-heads.ts';
import { readSeriesTails } from './series-tail.ts';
import { inWriteTransaction } from './write-transaction.ts';

/** Candles per series in a write's report, unless the caller asks for another length. */
export const DEFAULT_TAIL_LENGTH = 32;
export const MAX_TAIL_LENGTH = 1000;

/** What one committed write did to one series of a symbol. */
export interface SeriesUpdate {
  interval: Interval;
  /** The series' revision after this write: one more than the write committed before it. */
  rev: number;
  /**
   * Every candle the write touched in this series has an open time at or after the series' last
   * stored candle before the write: it changed the last candle or appended. False for a
   * correction of an older candle, a backfill, a series that had no candles (or none known to
   * its head), and when candles were deleted (the first 1m of a day superseding direct ones).
   */
  tailOnly: boolean;
  /** The last candles of the series after the write (ascending), read inside its transaction. */
  tail: CandleColumns;
}

/** What a write did to a series whose head it holds, as its statements report it. */
export interface SeriesTouch {
  interval: Interval;
  /** The earliest open time the write wrote, re-derived or deleted in the series. */
  from: number;
  /** Some stored candle of the series was inserted, changed or deleted. */
  changed: boolean;
  /** Some stored candle of the series was deleted. */
  deleted: boolean;
}

export function checkTailLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > MAX_TAIL_LENGTH) {
    throw new InvalidQueryError(`tailLength must be an integer in 1..${MAX_TAIL_LENGTH}, got ${length}`);
  }
}

function isTailOnly(head: SeriesHead, touch: SeriesTouch): boolean {
  return !touch.deleted && head.lastOpenTime !== null && touch.from >= head.lastOpenTime;
}

/**
 * Runs a candle write of one symbol in a write transaction that first locks the heads of
 * `intervals` (series-heads.ts). Afterwards, still inside the transaction, every series the
 * write changed gets its next rev and its tail, read in one statement, and its head is stored:
 * writers of a series serialize, so revs count commits in commit order and a tail holds every
 * write committed before it and none after. Series the write left as they were keep their rev
 * and are not reported.
 */
export async function writeSeries<T>(
  database: Database,
  symbolId: number,
  intervals: readonly Interval[],
  tailLength: number,
  write: (conn: PoolConnection, heads: ReadonlyMap<Interval, SeriesHead>) => Promise<{ result: T; touched: readonly SeriesTouch[] }>,
): Promise<{ result: T; series: SeriesUpdate[] }> {
  return inWriteTransaction(database, async (conn) => {
    const heads = await lockSeriesHeads(conn, symbolId, intervals);
    const { result, touched } = await write(conn, heads);
    const changed = INTERVALS.flatMap((iv) => touched.filter((t) => t.interval === iv && t.changed));
    if (changed.length === 0) return { result, series: [] };
    const tails = await readSeriesTails(
      conn,
      symbolId,
      changed.map((t) => t.interval),
      tailLength,
    );
    const series = changed.map((touch): SeriesUpdate => {
      const head = heads.get(touch.interval);
      if (!head) throw new Error(`a write touched ${touch.interval} without holding its head`);
      return {
        interval: touch.interval,
        rev: head.rev + 1,
        tailOnly: isTailOnly(head, touch),
        tail: tails.get(touch.interval) ?? emptyCandleColumns(0),
      };
    });
    await saveSeriesHeads(
      conn,
      symbolId,
      series.map((s) => ({
        interval: s.interval,
        rev: s.rev,
        lastOpenTime: s.tail.time.length > 0 ? s.tail.time[s.tail.time.length - 1]! : null,
      })),
    );
    return { result, series };
  });
}
