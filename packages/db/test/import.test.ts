import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERVALS, ROLLUP_INTERVALS } from '@wick/market';
import {
  createTestDatabase,
  DEFAULT_TAIL_LENGTH,
  getCandles,
  ImportError,
  importCsv,
  InvalidQueryError,
  ensureSymbols,
  type ImportReport,
  type SeriesUpdate,
  type TestDatabase,
} from '../src/index.ts';
import { lockSeriesHeads } from '../src/series-heads.ts';
import { inWriteTransaction } from '../src/write-transaction.ts';
import { rollUpFromScratch, storedCandles, type TextCandle } from './support/rollup-oracle.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
let db: TestDatabase;
let tmp: string;

const NO_ROLLUP = { compared: 0, differing: 0, examples: [] };

/**
 * A new head starts at the database clock in µs and revs count commits from there: a series' commit
 * count is its rev minus its base, the rev before the first write reported (checked against the
 * clock: the database runs on this machine, 1 s of slack).
 */
const bases = new Map<string, number>();
const startedUs = Date.now() * 1000;
function commits(symbol: string, s: SeriesUpdate): number {
  const key = `${symbol}:${s.interval}`;
  if (!bases.has(key)) {
    expect(s.rev - 1, key).toBeGreaterThanOrEqual(startedUs - 1_000_000);
    expect(s.rev - 1, key).toBeLessThanOrEqual(Date.now() * 1000 + 1_000_000);
    bases.set(key, s.rev - 1);
  }
  return s.rev - bases.get(key)!;
}

/** A report with each series reduced to [interval, commits, tailOnly, tail length, last open time]. */
const summary = (r: ImportReport, symbol: string) => ({
  ...r,
  series: r.series.map((s) => [s.interval, commits(symbol, s), s.tailOnly, s.tail.time.length, s.tail.time[s.tail.time.length - 1]]),
});

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
    // 2024-01-01 00:00–01:59: the first candles of every series (history, not an append).
    const day = 1_704_067_200_000;
    expect(summary(first, 'BTCUSDT')).toEqual({
      inserted: 120,
      updated: 0,
      unchanged: 0,
      rollup: NO_ROLLUP,
      series: [
        ['1m', 1, false, DEFAULT_TAIL_LENGTH, day + 119 * 60_000],
        ['5m', 1, false, 24, day + 115 * 60_000],
        ['15m', 1, false, 8, day + 105 * 60_000],
        ['1h', 1, false, 2, day + 60 * 60_000],
        ['4h', 1, false, 1, day],
        ['1d', 1, false, 1, day],
      ],
    });
    expect(await importCsv(db, { file, kind: 'klines', symbol: 'BTCUSDT', interval: '1m' })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 120,
      rollup: NO_ROLLUP,
      series: [],
    });
    const noHeader = fixture('BTCUSDT-1m-2024-01-01-noheader.csv');
    expect(await importCsv(db, { file: noHeader, kind: 'klines', symbol: 'BTCUSDT', interval: '1m' })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 120,
      rollup: NO_ROLLUP,
      series: [],
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
    expect(first).toEqual({ inserted: rows, updated: 0, unchanged: 0, rollup: NO_ROLLUP, series: [] });
    const before = await count('liquidation_orders');
    expect(await importCsv(db, { file, kind: 'liquidations', symbol: 'BTCUSDT' })).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: rows,
      rollup: NO_ROLLUP,
      series: [],
    });
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
    // Its heads exist before the import (as for a symbol whose series were created empty), so their
    // bases are known: the report shows only the last batch's revs.
    const id = (await ensureSymbols(db, [{ name: 'SOLUSDT', base: 'SOL', quote: 'USDT' }])).get('SOLUSDT')!;
    const created = await inWriteTransaction(db, (conn) => lockSeriesHeads(conn, id, INTERVALS));
    for (const [iv, head] of created) bases.set(`SOLUSDT:${iv}`, head.rev);
    const err = await importCsv(db, { file, kind: 'klines', symbol: 'SOLUSDT', interval: '1m' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).line).toBe(11_001);
    expect(await count('candles')).toBe(candles);
    lines[11_000] = lines[11_001]!.replace(/^\d+/, String(1_700_000_040_000 + 11_000 * 60_000));
    await writeFile(file, `${lines.join('\n')}\n`);
    const report = await importCsv(db, { file, kind: 'klines', symbol: 'SOLUSDT', interval: '1m' });
    expect({ ...report, series: [] }).toEqual({ inserted: 12_000, updated: 0, unchanged: 0, rollup: NO_ROLLUP, series: [] });
    // Three batches, three commits per series; the first one's candles were history.
    expect(report.series.map((s) => [s.interval, commits('SOLUSDT', s), s.tailOnly])).toEqual(INTERVALS.map((iv) => [iv, 3, false]));
    const tail = await getCandles(db, { symbol: 'SOLUSDT', interval: '1m', limit: DEFAULT_TAIL_LENGTH, newest: true });
    expect(Array.from(report.series[0]!.tail.time)).toEqual(Array.from(tail.time));
    // Batches of 5,000 rolled up one transaction at a time, buckets across batch edges included.
    const minutes = await storedCandles(db, 'SOLUSDT', '1m');
    for (const iv of ROLLUP_INTERVALS) expect(await storedCandles(db, 'SOLUSDT', iv), iv).toEqual(rollUpFromScratch(minutes, iv));
  });

  it('1m klines roll up into every higher interval', async () => {
    const minutes = await storedCandles(db, 'BTCUSDT', '1m');
    expect(minutes).toHaveLength(120);
    for (const iv of ROLLUP_INTERVALS) expect(await storedCandles(db, 'BTCUSDT', iv), iv).toEqual(rollUpFromScratch(minutes, iv));
    const [day] = await storedCandles(db, 'BTCUSDT', '1d');
    expect(day!.open).toBe('42283.5000000000');
    expect(day!.trades).toBe(minutes.reduce((n, m) => n + m.trades, 0));
  });

  it('higher-interval klines are written on days without 1m, compared with the roll-up on days with 1m', async () => {
    const trim = (d: string) => d.replace(/0+$/, '').replace(/\.$/, '');
    const line = (c: TextCandle, width: number) =>
      [
        c.time,
        trim(c.open),
        trim(c.high),
        trim(c.low),
        trim(c.close),
        trim(c.volume),
        c.time + width - 1,
        trim(c.quoteVolume),
        c.trades,
        0,
        0,
        0,
      ].join(',');
    const H = 3_600_000;
    const derived = await storedCandles(db, 'BTCUSDT', '1h');
    expect(derived.map((c) => c.time)).toEqual([1_704_067_200_000, 1_704_067_200_000 + H]);
    const altered = { ...derived[1]!, close: derived[1]!.high };
    expect(altered.close).not.toBe(derived[1]!.close);
    const dayWithout = 1_704_067_200_000 + 24 * H;
    const others: TextCandle[] = [0, 1, 2].map((i) => ({ ...derived[0]!, time: dayWithout + i * H }));
    const lines = [
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
      line(derived[0]!, H),
      line(altered, H),
      // 05:00 of the same day: no 1m candles there, yet the day has 1m, so 1h is derived there too.
      line({ ...derived[0]!, time: 1_704_067_200_000 + 5 * H }, H),
      ...others.map((c) => line(c, H)),
    ];
    const file = join(tmp, 'BTCUSDT-1h-2024-01.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const report = await importCsv(db, { file, kind: 'klines', symbol: 'BTCUSDT', interval: '1h' });
    expect(summary(report, 'BTCUSDT')).toEqual({
      // Appended after the last (derived) hour: a tail-only write of the 1h series, its second commit.
      series: [['1h', 2, true, 5, dayWithout + 2 * H]],
      inserted: 3,
      updated: 0,
      unchanged: 0,
      rollup: {
        compared: 3,
        differing: 2,
        examples: [
          { openTime: altered.time, column: 'close', file: trim(altered.close), rollup: trim(derived[1]!.close) },
          { openTime: 1_704_067_200_000 + 5 * H, column: 'missing', file: null, rollup: null },
        ],
      },
    });
    // The roll-up stands; the day without 1m took the file's candles as they are.
    expect(await storedCandles(db, 'BTCUSDT', '1h')).toEqual([...derived, ...others]);
    expect((await importCsv(db, { file, kind: 'klines', symbol: 'BTCUSDT', interval: '1h' })).unchanged).toBe(3);
  });

  it('refuses a symbol name outside the rule before reading the file', async () => {
    const file = fixture('BTCUSDT-1m-2024-01-01.csv');
    await expect(importCsv(db, { file, kind: 'klines', symbol: 'btcusdt', interval: '1m' })).rejects.toBeInstanceOf(InvalidQueryError);
  });
});
