import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, migrate, urlForDatabase, type Database } from '../src/index.ts';
import mysql from 'mysql2/promise';

const NAME = 'wick_test_db_migrations';
let admin: mysql.Connection;
let db: Database | undefined;

afterAll(async () => {
  await db?.close();
  await admin?.query(`DROP DATABASE IF EXISTS ${NAME}`);
  await admin?.end();
});

describe('migrations', () => {
  it('apply to an empty database, then are a no-op', async () => {
    admin = await mysql.createConnection({ uri: urlForDatabase('') });
    await admin.query(`DROP DATABASE IF EXISTS ${NAME}`);
    await admin.query(`CREATE DATABASE ${NAME} CHARACTER SET utf8mb4`);
    db = createDatabase({ url: urlForDatabase(NAME) });
    await migrate(db);
    const [tables] = await db.pool.query<mysql.RowDataPacket[]>(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1',
      [NAME],
    );
    expect(tables.map((r) => String(r.t)).sort()).toEqual(['__drizzle_migrations', 'candles', 'liquidation_orders', 'symbols']);
    const [indexes] = await db.pool.query<mysql.RowDataPacket[]>(
      'SELECT index_name AS i, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS c FROM information_schema.statistics' +
        " WHERE table_schema = ? AND table_name = 'liquidation_orders' GROUP BY index_name ORDER BY index_name",
      [NAME],
    );
    expect(Object.fromEntries(indexes.map((r) => [r.i, r.c]))).toEqual({
      PRIMARY: 'id',
      ix_liq_symbol_time_id: 'symbol_id,order_trade_time,id',
      ix_liq_time_id: 'order_trade_time,id',
      uq_liq_natural: 'symbol_id,order_trade_time,side,price,original_quantity',
    });
    const [types] = await db.pool.query<mysql.RowDataPacket[]>(
      "SELECT column_name AS c, column_type AS t FROM information_schema.columns WHERE table_schema = ? AND table_name = 'candles'" +
        " AND column_name IN ('open', 'volume', 'open_time') ORDER BY 1",
      [NAME],
    );
    // MySQL 8 prints bigint without a display width.
    expect(types.map((r) => `${r.c} ${String(r.t).replace('bigint(20)', 'bigint')}`)).toEqual([
      'open decimal(24,10)',
      'open_time bigint',
      'volume decimal(30,10)',
    ]);

    const [before] = await db.pool.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM __drizzle_migrations');
    await migrate(db);
    await migrate(db);
    const [after] = await db.pool.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM __drizzle_migrations');
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(after[0]!.n).toBeGreaterThan(0);
  });
});
