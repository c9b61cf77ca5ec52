import type { PoolConnection } from 'mysql2/promise';
import { withConnection, type Database } from './client.ts';
import { DbUnavailableError } from './errors.ts';

const ER_LOCK_DEADLOCK = 1213;
const MAX_ATTEMPTS = 6;

/** A write lost a race it can win by starting over (like a deadlock, but detected by us). */
export class WriteConflict extends Error {}

function isRetryable(err: unknown): boolean {
  return err instanceof WriteConflict || (err as { errno?: unknown }).errno === ER_LOCK_DEADLOCK;
}

/**
 * A candle write transaction at READ COMMITTED: every statement reads a fresh snapshot, so a
 * roll-up sees each minute committed before it took its lock (REPEATABLE READ would keep the
 * snapshot of the transaction's first read and lose concurrent minutes). A deadlock (or a
 * WriteConflict) rolls the whole transaction back; it is retried a bounded number of times with
 * a jittered pause.
 */
export async function inWriteTransaction<T>(database: Database, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withConnection(database, async (conn) => {
        // Applies to the next transaction only: the pooled session keeps its default.
        await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
        await conn.beginTransaction();
        try {
          const out = await fn(conn);
          await conn.commit();
          return out;
        } catch (err) {
          await conn.rollback().catch(() => undefined);
          throw err;
        }
      });
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) {
        throw new DbUnavailableError(`candle write collided ${attempt} times with concurrent writers of the same days; retry later`, {
          cause: err,
        });
      }
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
