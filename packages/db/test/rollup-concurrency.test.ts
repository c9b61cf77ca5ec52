import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ROLLUP_INTERVALS } from '@wick/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng, randomWalkCandles } from '@wick/testkit';
import {
  createTestDatabase,
  ensureSymbols,
  RollupConflictError,
  upsertCandles,
  urlForDatabase,
  type CandleInput,
  type TestDatabase,
} from '../src/index.ts';
import { rollUpFromScratch, storedCandles } from './support/rollup-oracle.ts';

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

interface WriterResult {
  writes: number;
  started: number;
  finished: number;
  minutes: number[];
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
  it('two processes hammering minutes of the same 1h and 1d buckets lose none of them', async () => {
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
    expect(await upsertCandles(db, 'ETHUSDT', '1h', early)).toEqual({ affected: 48 });
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
