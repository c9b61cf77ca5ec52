import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate as drizzleMigrate } from 'drizzle-orm/mysql2/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, MIGRATIONS_FOLDER, migrate, upsertCandles, urlForDatabase, type Database } from '../src/index.ts';
import mysql from 'mysql2/promise';

const NAME = 'wick_test_db_migrations';
let admin: mysql.Connection;
let db: Database | undefined;

beforeAll(async () => {
  admin = await mysql.createConnection({ uri: urlForDatabase('') });
});
afterAll(async () => {
  await db?.close();
  await admin?.query(`DROP DATABASE IF EXISTS ${NAME}`);
  await admin?.end();
});

/** A migrations folder holding only the first `count` of the committed migrations. */
async function firstMigrations(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wick-db-migrations-'));
  await mkdir(join(dir, 'meta'));
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, count);
  await writeFile(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) await copyFile(join(MIGRATIONS_FOLDER, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}

describe('migrations', () => {
  it('apply to an empty database, then are a no-op', async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${NAME}`);
    await admin.query(`CREATE DATABASE ${NAME} CHARACTER SET utf8mb4`);
    db = createDatabase({ url: urlForDatabase(NAME) });
    await migrate(db);
    const [tables] = await db.pool.query<mysql.RowDataPacket[]>(
      'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1',
      [NAME],
    );
    expect(tables.map((r) => String(r.t)).sort()).toEqual([
      '__drizzle_migrations',
      'candles',
      'liquidation_orders',
      'series_heads',
      'symbols',
    ]);
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
    const [heads] = await db.pool.query<mysql.RowDataPacket[]>(
      'SELECT column_name AS c, column_type AS t, is_nullable AS n, column_key AS k FROM information_schema.columns' +
        " WHERE table_schema = ? AND table_name = 'series_heads' ORDER BY ordinal_position",
      [NAME],
    );
    expect(
      heads.map(
        (r) =>
          `${r.c} ${String(r.t)
            .replace(/bigint\(20\)/, 'bigint')
            .replace(/int\(10\)/, 'int')} ${r.n} ${r.k}`,
      ),
    ).toEqual([
      'symbol_id int unsigned NO PRI',
      "interval enum('1m','5m','15m','1h','4h','1d') NO PRI",
      'rev bigint unsigned NO ',
      'last_open_time bigint YES ',
    ]);
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

  it('run on a pool of one connection (the session holding the migration lock)', async () => {
    const one = createDatabase({ url: urlForDatabase(NAME), connectionLimit: 1 });
    try {
      await migrate(one);
      expect(one.poolStats().total).toBe(1);
    } finally {
      await one.close();
    }
  });

  it('give the series stored before them a head (rev 0, their last open time), so the first write knows its tail', async () => {
    const name = `${NAME}_heads`;
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
    const old = createDatabase({ url: urlForDatabase(name) });
    const folder = await firstMigrations(1);
    try {
      await drizzleMigrate(old.db, { migrationsFolder: folder });
      await old.pool.query("INSERT INTO symbols (name, base, quote) VALUES ('BTCUSDT', 'BTC', 'USDT')");
      const t0 = Date.UTC(2024, 0, 1);
      await old.pool.query('INSERT INTO candles (symbol_id, `interval`, open_time, open, high, low, close, volume) VALUES ?', [
        [
          [1, '1m', t0, 1, 1, 1, 1, 1],
          [1, '1m', t0 + 60_000, 1, 1, 1, 1, 1],
          [1, '1d', t0, 1, 1, 1, 1, 2],
        ],
      ]);
      await migrate(old);
      const [heads] = await old.pool.query<mysql.RowDataPacket[]>(
        'SELECT `interval` AS iv, rev, last_open_time AS last FROM series_heads ORDER BY `interval`',
      );
      expect(heads.map((h) => [h.iv, Number(h.rev), Number(h.last)])).toEqual([
        ['1m', 0, t0 + 60_000],
        ['1d', 0, t0],
      ]);
      // The open minute updated: a tail-only write, rev 1.
      const minute = { time: t0 + 60_000, open: 1, high: 2, low: 1, close: 2, volume: 1 };
      const { series } = await upsertCandles(old, 'BTCUSDT', '1m', [minute]);
      expect(series.find((s) => s.interval === '1m')).toMatchObject({ rev: 1, tailOnly: true });
    } finally {
      await old.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await rm(folder, { recursive: true, force: true });
    }
  });
});
