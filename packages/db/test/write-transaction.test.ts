import { channel } from 'node:diagnostics_channel';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/index.ts';
import { inWriteTransaction, WriteConflict } from '../src/write-transaction.ts';

/** One connection: every transaction below runs on the same session. */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_write_transaction', { connectionLimit: 1 });
});
afterAll(async () => {
  await db?.drop();
});

const statements: string[] = [];
const onQuery = (message: unknown) => statements.push(String((message as { query?: unknown }).query));

async function isolationInside(): Promise<string> {
  return inWriteTransaction(db, async (conn) => {
    // A transaction shows in innodb_trx once it touches InnoDB.
    await conn.query('SELECT COUNT(*) FROM series_heads FOR UPDATE');
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT trx_isolation_level AS level FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = CONNECTION_ID()',
    );
    return String(rows[0]!.level);
  });
}

describe('write transactions', () => {
  it('run at READ COMMITTED, switching a pooled session once', async () => {
    channel('tracing:mysql2:query:start').subscribe(onQuery);
    try {
      expect([await isolationInside(), await isolationInside(), await isolationInside()]).toEqual(Array(3).fill('READ COMMITTED'));
    } finally {
      channel('tracing:mysql2:query:start').unsubscribe(onQuery);
    }
    expect(statements.filter((s) => /ISOLATION LEVEL/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => s === 'START TRANSACTION')).toHaveLength(3);
  });

  it('start over after a conflict, a bounded number of times', async () => {
    let attempts = 0;
    const out = await inWriteTransaction(db, async () => {
      if (++attempts < 3) throw new WriteConflict('lost a race');
      return attempts;
    });
    expect(out).toBe(3);
    attempts = 0;
    await expect(
      inWriteTransaction(db, async () => {
        attempts++;
        throw new WriteConflict('always');
      }),
    ).rejects.toThrow(/collided 6 times/);
    expect(attempts).toBe(6);
  });
});
