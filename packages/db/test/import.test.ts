import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, getCandles, ImportError, importCsv, type TestDatabase } from '../src/index.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
let db: TestDatabase;
let tmp: string;

async function count(table: string): Promise<number> {
  const [rows] = await db.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_import');
  tmp = await mkdtemp(join(tmpdir(), 'wick-db-import-'));
});
afterAll(async () => {
  await db?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('import', () => {
  it('imports klines with or without a header; re-import changes nothing', async () => {
    const file = fixture('BTCUSDT-1m-2024-01-01.csv');
    const first = await importCsv(db, { file, kind: 'klines', symbol: 'BTCUSDT', interval: '1m' });
    expect(first).toEqual({ inserted: 120, updated: 0, unchanged: 0 });
    expect(await importCsv(db, { file, kind: 'klines', symbol: 'BTCUSDT', interval: '1m' })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 120,
    });
    const noHeader = fixture('BTCUSDT-1m-2024-01-01-noheader.csv');
    expect(await importCsv(db, { file: noHeader, kind: 'klines', symbol: 'BTCUSDT', interval: '1m' })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 120,
    });
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const c = await getCandles(db, { symbol: 'BTCUSDT', interval: '1m', limit: 1000 });
    expect(Array.from(c.time)).toEqual(lines.map((l) => Number(l[0])));
    expect(Array.from(c.close)).toEqual(lines.map((l) => Number(l[4])));
    expect(Array.from(c.volume)).toEqual(lines.map((l) => Number(l[5])));
  });

  it('imports liquidation snapshots idempotently', async () => {
    const file = fixture('BTCUSDT-liquidationSnapshot-2024-01-01.csv');
    const rows = (await readFile(file, 'utf8')).trim().split('\n').length - 1;
    const first = await importCsv(db, { file, kind: 'liquidations', symbol: 'BTCUSDT' });
    expect(first).toEqual({ inserted: rows, updated: 0, unchanged: 0 });
    const before = await count('liquidation_orders');
    expect(await importCsv(db, { file, kind: 'liquidations', symbol: 'BTCUSDT' })).toEqual({ inserted: 0, updated: 0, unchanged: rows });
    expect(await count('liquidation_orders')).toBe(before);
  });

  it('a malformed row names file and line and writes nothing', async () => {
    const candles = await count('candles');
    const liqs = await count('liquidation_orders');
    const err = await importCsv(db, { file: fixture('BTCUSDT-1m-malformed.csv'), kind: 'klines', symbol: 'ETHUSDT', interval: '1m' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).file).toBe('BTCUSDT-1m-malformed.csv');
    expect((err as ImportError).line).toBe(78);
    const err2 = await importCsv(db, {
      file: fixture('BTCUSDT-liquidationSnapshot-malformed.csv'),
      kind: 'liquidations',
      symbol: 'ETHUSDT',
    }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ImportError);
    expect((err2 as ImportError).line).toBe(202);
    expect(await count('candles')).toBe(candles);
    expect(await count('liquidation_orders')).toBe(liqs);
  });

  it('a bad row after several full batches still writes nothing', async () => {
    const good = (await readFile(fixture('BTCUSDT-1m-2024-01-01.csv'), 'utf8')).trim().split('\n')[1]!.split(',');
    const lines: string[] = [];
    for (let i = 0; i < 12_000; i++) {
      const t = 1_700_000_040_000 + i * 60_000;
      lines.push([t, ...good.slice(1, 6), t + 59_999, ...good.slice(7)].join(','));
    }
    const bad = lines[11_000]!.split(',');
    bad[8] = '-5';
    lines[11_000] = bad.join(',');
    const file = join(tmp, 'SOLUSDT-1m-big.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const candles = await count('candles');
    const err = await importCsv(db, { file, kind: 'klines', symbol: 'SOLUSDT', interval: '1m' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).line).toBe(11_001);
    expect(await count('candles')).toBe(candles);
    lines[11_000] = lines[11_001]!.replace(/^\d+/, String(1_700_000_040_000 + 11_000 * 60_000));
    await writeFile(file, `${lines.join('\n')}\n`);
    expect(await importCsv(db, { file, kind: 'klines', symbol: 'SOLUSDT', interval: '1m' })).toEqual({
      inserted: 12_000,
      updated: 0,
      unchanged: 0,
    });
  });
});
