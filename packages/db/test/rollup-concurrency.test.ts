import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { CANDLE_COLUMN_NAMES, candleOpenTime, INTERVALS, ROLLUP_INTERVALS, type Interval } from '@wick/market';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng, randomWalkCandles } from '@wick/testkit';
import {
  createTestDatabase,
  DEFAULT_TAIL_LENGTH,
  ensureSymbols,
  RollupConflictError,
  upsertCandles,
  urlForDatabase,
  type CandleInput,
  type TestDatabase,
} from '../src/index.ts';
import { rollUpFromScratch, storedCandles, type TextCandle } from './support/rollup-oracle.ts';

const NAME = 'wick_test_db_rollup_race';
const SYMBOL = 'BTCUSDT';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(NAME, { connectionLimit: 8 });
  await ensureSymbols(db, [
    { name: SYMBOL, base: 'BTC', quote: 'USDT' },
    { name: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
  ]);
});
afterAll(async () => {
  await db?.drop();
});

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const WRITER = fileURLToPath(new URL('./support/minute-writer.ts', import.meta.url));
const LOOPS = 3;
const TRANSACTIONS = 25;
/** 23:00 .. 01:00 UTC: two 1h, 4h and 1d buckets, every one contended by both processes. */
const START = Date.UTC(2024, 6, 1) - 3_600_000;
const MINUTES = 120;

interface WriteReport {
  candles: CandleInput[];
  series: { interval: Interval; rev: number; tailOnly: boolean; tail: Record<(typeof CANDLE_COLUMN_NAMES)[number], number[]> }[];
}

interface WriterResult {
  writes: number;
  started: number;
  finished: number;
  minutes: number[];
  reports: WriteReport[];
}

/** A written candle as the server stores it: rounded to 10 decimals (the writer's sums carry float error). */
const asText = (c: CandleInput): TextCandle => ({
  time: c.time,
  open: c.open.toFixed(10),
  high: c.high.toFixed(10),
  low: c.low.toFixed(10),
  close: c.close.toFixed(10),
  volume: c.volume.toFixed(10),
  quoteVolume: (c.quoteVolume ?? 0).toFixed(10),
  trades: c.trades ?? 0,
});

/** A series as columns of numbers, as a tail reports it. */
const asColumns = (candles: readonly TextCandle[]) =>
  Object.fromEntries(CANDLE_COLUMN_NAMES.map((name) => [name, candles.map((c) => (name === 'time' ? c.time : Number(c[name])))]));

/**
 * Replays every write in the order of its 1m rev (the commit order, if revs are right) and checks
 * each report against the model at that point: the tail of every series it reports equals the
 * model's last candles, the series it does not report did not change, and tailOnly is what the
 * definition says. So a tail holds every write committed before it and none after.
 */
function expectRevisionsInCommitOrder(reports: WriteReport[], tailLength: number): void {
  const changing = reports.filter((r) => r.series.length > 0);
  // A write that leaves 1m as it was changes no roll-up either.
  expect(changing.every((r) => r.series[0]!.interval === '1m')).toBe(true);
  changing.sort((a, b) => a.series[0]!.rev - b.series[0]!.rev);
  const minutes = new Map<number, TextCandle>();
  const state = (iv: Interval) => {
    const sorted = [...minutes.values()].sort((a, b) => a.time - b.time);
    return iv === '1m' ? sorted : rollUpFromScratch(sorted, iv);
  };
  for (const report of changing) {
    const before = new Map(INTERVALS.map((iv) => [iv, state(iv)]));
    for (const c of report.candles) minutes.set(c.time, asText(c));
    const first = Math.min(...report.candles.map((c) => c.time));
    for (const iv of INTERVALS) {
      const after = state(iv);
      const reported = report.series.find((s) => s.interval === iv);
      if (!reported) {
        expect(after, `rev ${report.series[0]!.rev}: ${iv} changed unreported`).toEqual(before.get(iv));
        continue;
      }
      expect(reported.tail, `${iv} rev ${reported.rev}`).toEqual(asColumns(after.slice(-tailLength)));
      const last = before.get(iv)!.at(-1)?.time;
      expect(reported.tailOnly, `${iv} rev ${reported.rev}`).toBe(last !== undefined && candleOpenTime(iv, first) >= last);
    }
  }
}

function startWriter(seed: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      WRITER,
      urlForDatabase(NAME),
      SYMBOL,
      String(seed),
      String(LOOPS),
      String(TRANSACTIONS),
      String(START),
      String(MINUTES),
    ],
    { cwd: PACKAGE_DIR, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = next();
  return {
    ready,
    go: () => child.stdin.write('go\n'),
    result: ready.then(next).then((line) => JSON.parse(line) as WriterResult),
    exited,
  };
}

describe('roll-up under concurrent writers', () => {
  it('two processes hammering minutes of the same 1h and 1d buckets lose none of them; revs and tails follow commit order', async () => {
    const startedUs = Date.now() * 1000;
    const writers = [startWriter(1), startWriter(2)];
    expect(await Promise.all(writers.map((w) => w.ready))).toEqual(['ready', 'ready']);
    for (const w of writers) w.go();
    const [a, b] = await Promise.all(writers.map((w) => w.result));
    expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0]);
    expect([a!.writes, b!.writes]).toEqual([LOOPS * TRANSACTIONS, LOOPS * TRANSACTIONS]);
    // The two really ran at the same time.
    expect(a!.started).toBeLessThan(b!.finished);
    expect(b!.started).toBeLessThan(a!.finished);

    const minutes = await storedCandles(db, SYMBOL, '1m');
    const written = [...new Set([...a!.minutes, ...b!.minutes])].sort((x, y) => x - y);
    expect(minutes.map((m) => m.time)).toEqual(written);
    for (const iv of ROLLUP_INTERVALS) {
      const stored = await storedCandles(db, SYMBOL, iv);
      expect(stored, iv).toEqual(rollUpFromScratch(minutes, iv));
    }
    expect((await storedCandles(db, SYMBOL, '1d')).map((d) => d.time)).toEqual([START - 23 * 3_600_000, START + 3_600_000]);

    // Each series' revs, from both processes together, are base+1..its head's rev: none lost, none
    // twice. A head's base is the database clock in µs when one of the writers created it.
    const reports = [...a!.reports, ...b!.reports];
    expect(reports).toHaveLength(2 * LOOPS * TRANSACTIONS);
    const [heads] = await db.pool.query<RowDataPacket[]>(
      'SELECT `interval` AS iv, rev FROM series_heads WHERE symbol_id = (SELECT id FROM symbols WHERE name = ?)',
      [SYMBOL],
    );
    expect(heads).toHaveLength(INTERVALS.length);
    for (const head of heads) {
      const revs = reports.flatMap((r) => r.series.filter((s) => s.interval === head.iv).map((s) => s.rev)).sort((x, y) => x - y);
      const base = revs[0]! - 1;
      expect(base, String(head.iv)).toBeGreaterThanOrEqual(startedUs - 1_000_000);
      expect(base, String(head.iv)).toBeLessThanOrEqual(Date.now() * 1000);
      expect(revs, String(head.iv)).toEqual(Array.from({ length: Number(head.rev) - base }, (_, i) => base + 1 + i));
      if (head.iv === '1m') expect(revs.length).toBeGreaterThan(LOOPS * TRANSACTIONS);
    }
    expectRevisionsInCommitOrder(reports, DEFAULT_TAIL_LENGTH);
  }, 180_000);

  it('direct writers racing minute writers on the same days never leave a direct candle on a 1m day', async () => {
    const H = 3_600_000;
    const DAY = 24 * H;
    const first = Date.UTC(2024, 7, 1);
    const minuteDays = [first, first + DAY, first + 2 * DAY];
    const directOnly = first + 3 * DAY;
    const candle = (rng: Prng, time: number): CandleInput => ({
      ...randomWalkCandles(1, { seed: 1 + rng.int(1e6), startTime: time, priceDecimals: 2 })[0]!,
      trades: rng.int(50),
    });
    // Hours 0–11 of every day written directly first; minutes will only fall in hours 0–5.
    const rng0 = new Prng(9);
    const early = [...minuteDays, directOnly].flatMap((day) => Array.from({ length: 12 }, (_, h) => candle(rng0, day + h * H)));
    expect((await upsertCandles(db, 'ETHUSDT', '1h', early)).affected).toBe(48);
    const outcomes = { written: 0, refused: 0, minutes: 0 };
    const minuteWriter = async (seed: number) => {
      const rng = new Prng(seed);
      for (let i = 0; i < 40; i++) {
        const day = minuteDays[rng.int(minuteDays.length)]!;
        await upsertCandles(db, 'ETHUSDT', '1m', [candle(rng, day + rng.int(6 * 60) * 60_000)]);
        outcomes.minutes++;
      }
    };
    const directWriter = async (seed: number) => {
      const rng = new Prng(seed);
      for (let i = 0; i < 40; i++) {
        const day = [...minuteDays, directOnly][rng.int(4)]!;
        try {
          await upsertCandles(db, 'ETHUSDT', '1h', [candle(rng, day + rng.int(12) * H)]);
          outcomes.written++;
        } catch (err) {
          if (!(err instanceof RollupConflictError)) throw err;
          outcomes.refused++;
        }
      }
    };
    await Promise.all([directWriter(1), minuteWriter(2), directWriter(3), minuteWriter(4), directWriter(5)]);
    expect(outcomes.minutes).toBe(80);
    expect(outcomes.written + outcomes.refused).toBe(120);

    const minutes = await storedCandles(db, 'ETHUSDT', '1m');
    expect(new Set(minutes.map((m) => m.time - (m.time % DAY)))).toEqual(new Set(minuteDays));
    for (const iv of ROLLUP_INTERVALS) {
      const onMinuteDays = (await storedCandles(db, 'ETHUSDT', iv)).filter((c) => c.time < directOnly);
      expect(onMinuteDays, iv).toEqual(rollUpFromScratch(minutes, iv));
    }
    // The day no minute writer touched holds only what the direct writers wrote: 12 hours, no day row.
    const direct = (iv: '1h' | '1d') => storedCandles(db, 'ETHUSDT', iv).then((cs) => cs.filter((c) => c.time >= directOnly));
    expect((await direct('1h')).map((c) => c.time)).toEqual(Array.from({ length: 12 }, (_, h) => directOnly + h * H));
    expect(await direct('1d')).toEqual([]);
  });
});
