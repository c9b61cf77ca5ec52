import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/index.ts';
import { streamBatches } from '../src/row-stream.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_rowstream', { connectionLimit: 3 });
});
afterAll(() => db?.drop());

// A million wide rows from standard SQL (MariaDB and MySQL 8): far more than a socket buffer holds.
const DIGITS =
  '(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
const MILLION =
  `SELECT a.d + 10*b.d + 100*c.d + 1000*e.d + 10000*f.d + 100000*g.d AS n, REPEAT('x', 200) AS pad /* wick-row-stream-test */ ` +
  `FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} e, ${DIGITS} f, ${DIGITS} g`;

async function runningTestQueries(): Promise<number> {
  const [rows] = await db.pool.query(
    "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE info LIKE '%wick-row-stream-test%' AND info NOT LIKE '%processlist%'",
  );
  return Number((rows as { n: number }[])[0]!.n);
}

describe('streamBatches', () => {
  it('a consumer that stops after one batch ends the server-side query at once, not at net_write_timeout', async () => {
    let batches = 0;
    for await (const batch of streamBatches(db, MILLION, [], { batchSize: 1000 })) {
      expect(batch).toHaveLength(1000);
      if (++batches === 1) break;
    }
    // The server was blocked writing to a paused socket; it must notice the close within moments.
    let running = await runningTestQueries();
    for (let i = 0; i < 40 && running > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      running = await runningTestQueries();
    }
    expect(running).toBe(0);
    expect(db.poolStats().inUse).toBe(0);
  });
});
