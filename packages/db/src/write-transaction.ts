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

// Sessions already at READ COMMITTED. The setting outlives the transaction, so a pooled
// connection pays the statement once, not on every write; single statements read the same at
// either level, so the session's other users see no difference.
const readCommitted = new WeakSet<object>();

/**
 * A write transaction at READ COMMITTED: every statement reads a fresh snapshot, so a statement
 * that follows a lock sees everything committed before the lock was granted (REPEATABLE READ
 * would keep the snapshot of the transaction's first read), and no gap locks couple writers of
 * neighbouring keys. A deadlock (or a WriteConflict) rolls the whole transaction back; it is
 * retried a bounded number of times with a jittered pause.
 */
export async function inWriteTransaction<T>(database: Database, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withConnection(database, async (conn) => {
        if (!readCommitted.has(conn.connection)) {
          await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
          readCommitted.add(conn.connection);
        }
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
        throw new DbUnavailableError(`write collided ${attempt} times with concurrent writers of the same rows; retry later`, {
          cause: err,
        });
      }
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
