// 1m ingest with and without the roll-up (time and statements sent per call), and importCsv of a
// month of 1m klines end to end. Creates (and drops) its own database on DATABASE_URL's server.
// Prints a table; never fails on time (the box is shared: compare the columns of one run, not runs).
import { channel } from 'node:diagnostics_channel';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomWalk } from '@wick/testkit';
import { upsertCandleRows } from '../src/candle-upsert.ts';
import type { CandleRow } from '../src/candle-row.ts';
import { inTransaction } from '../src/client.ts';
import { createTestDatabase, ensureSymbols, importCsv, upsertCandles, type CandleInput } from '../src/index.ts';

const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);
const db = await createTestDatabase('wick_bench_db_ingest', { connectionLimit: 4, queryTimeoutMs: 600_000 });
const tmp = await mkdtemp(join(tmpdir(), 'wick-db-bench-'));

function candles(n: number, seed: number, startTime: number): CandleInput[] {
  const c = randomWalk(n, { seed, startTime, startPrice: 42_000, priceDecimals: 1, volumeDecimals: 3 });
  return Array.from({ length: n }, (_, i) => ({
    time: c.time[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
    quoteVolume: Math.round(c.volume[i]! * c.close[i]! * 100) / 100,
    trades: 1 + (i % 97),
  }));
}

/** What a 1m write cost before roll-ups: the upsert alone, in one transaction. */
async function upsertWithoutRollup(symbolId: number, batch: CandleInput[]): Promise<void> {
  const rows = batch.map((c): CandleRow => [c.time, c.open, c.high, c.low, c.close, c.volume, c.quoteVolume ?? 0, c.trades ?? 0]);
  await inTransaction(db, (conn) => upsertCandleRows(conn, symbolId, '1m', rows));
}

// mysql2 traces every statement it sends (transaction control included) on this channel.
let statements = 0;
channel('tracing:mysql2:query:start').subscribe(() => statements++);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lines: string[] = [];

try {
  const ids = await ensureSymbols(db, [
    { name: 'WITHUSDT', base: 'WITH', quote: 'USDT' },
    { name: 'WITHOUTUSDT', base: 'WITHOUT', quote: 'USDT' },
    { name: 'IMPORTUSDT', base: 'IMPORT', quote: 'USDT' },
  ]);
  const without = ids.get('WITHOUTUSDT')!;
  let next = START;
  // Appends (the live case): each call writes the next `size` minutes; the two paths alternate.
  for (const [size, calls] of [
    [1, 300],
    [60, 60],
    [5000, 6],
  ] as const) {
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    let withStatements = 0;
    let withoutStatements = 0;
    for (let i = 0; i < calls; i++) {
      const batch = candles(size, i + 1, next);
      next += size * MINUTE;
      let t = performance.now();
      let s = statements;
      await upsertCandles(db, 'WITHUSDT', '1m', batch);
      withMs.push(performance.now() - t);
      withStatements += statements - s;
      t = performance.now();
      s = statements;
      await upsertWithoutRollup(without, batch);
      withoutMs.push(performance.now() - t);
      withoutStatements += statements - s;
    }
    const rate = (ms: number[]) => Math.round((size * ms.length) / (ms.reduce((a, b) => a + b, 0) / 1000));
    lines.push(
      `| 1m ingest, ${size} per call × ${calls} | ${rate(withMs).toLocaleString('en')} | ${median(withMs).toFixed(2)} | ${(withStatements / calls).toFixed(1)} |` +
        ` ${rate(withoutMs).toLocaleString('en')} | ${median(withoutMs).toFixed(2)} | ${(withoutStatements / calls).toFixed(1)} |` +
        ` ${(median(withMs) / median(withoutMs)).toFixed(2)}× |`,
    );
  }

  // A month of Binance-style 1m klines.
  const month = 30 * 1440;
  const walk = randomWalk(month, { seed: 11, startTime: START, startPrice: 42_000, priceDecimals: 1, volumeDecimals: 3 });
  const text: string[] = [
    'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
  ];
  for (let i = 0; i < month; i++) {
    const t = walk.time[i]!;
    const quote = (Math.round(walk.volume[i]! * walk.close[i]! * 100) / 100).toFixed(2);
    text.push(
      [t, walk.open[i], walk.high[i], walk.low[i], walk.close[i], walk.volume[i], t + MINUTE - 1, quote, 1 + (i % 97), 0, 0, 0].join(','),
    );
  }
  const file = join(tmp, 'IMPORTUSDT-1m-2024-01.csv');
  await writeFile(file, `${text.join('\n')}\n`);
  for (const label of ['new rows', 're-import, unchanged']) {
    const t = performance.now();
    const r = await importCsv(db, { file, kind: 'klines', symbol: 'IMPORTUSDT', interval: '1m' });
    const secs = (performance.now() - t) / 1000;
    lines.push(
      `| importCsv 1m, ${month.toLocaleString('en')} rows (${label}: ${r.inserted} inserted, ${r.unchanged} unchanged) |` +
        ` ${Math.round(month / secs).toLocaleString('en')} | ${(secs * 1000).toFixed(0)} (total) | | | | | |`,
    );
  }

  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('| what | with roll-up rows/s | median ms | statements | without roll-up rows/s | median ms | statements | with / without |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const l of lines) console.log(l);
} finally {
  await db.drop();
  await rm(tmp, { recursive: true, force: true });
}
