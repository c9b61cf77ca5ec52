// A child process for the concurrency test: its own pool, `loops` concurrent loops of
// `transactions` upserts each, 1–4 random minutes of [start, start + minutes) per upsert.
// Prints "ready", waits for "go" on stdin, then prints one JSON line with what it wrote and
// every write's report (WriterResult in rollup-concurrency.test.ts).
// Usage: node --import tsx minute-writer.ts <url> <symbol> <seed> <loops> <transactions> <start> <minutes>
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CANDLE_COLUMN_NAMES } from '@wick/market';
import { Prng } from '@wick/testkit';
import { createDatabase, upsertCandles, type CandleInput } from '../../src/index.ts';

const [url, symbol, seedText, loopsText, transactionsText, startText, minutesText] = process.argv.slice(2);
const seed = Number(seedText);
const loops = Number(loopsText);
const transactions = Number(transactionsText);
const start = Number(startText);
const minutes = Number(minutesText);

const database = createDatabase({ url, connectionLimit: loops });
await database.ping();
const input = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await once(input, 'line');

function candleAt(rng: Prng, time: number): CandleInput {
  const open = 100 + rng.int(100_000) / 100;
  const close = 100 + rng.int(100_000) / 100;
  return {
    time,
    open,
    close,
    high: Math.max(open, close) + rng.int(1000) / 100,
    low: Math.min(open, close) - rng.int(1000) / 100,
    volume: rng.int(10_000_000) / 1000,
    quoteVolume: rng.int(10_000_000) / 100,
    trades: rng.int(1000),
  };
}

const written = new Set<number>();
const reports: {
  candles: CandleInput[];
  series: { interval: string; rev: number; tailOnly: boolean; tail: Record<string, number[]> }[];
}[] = [];
let writes = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: loops }, async (_, loop) => {
    const rng = new Prng(seed * 1000 + loop);
    for (let i = 0; i < transactions; i++) {
      const batch = Array.from({ length: 1 + rng.int(4) }, () => candleAt(rng, start + rng.int(minutes) * 60_000));
      const { series } = await upsertCandles(database, symbol!, '1m', batch);
      reports.push({
        candles: batch,
        series: series.map((u) => ({
          interval: u.interval,
          rev: u.rev,
          tailOnly: u.tailOnly,
          tail: Object.fromEntries(CANDLE_COLUMN_NAMES.map((name) => [name, Array.from(u.tail[name])])),
        })),
      });
      for (const c of batch) written.add(c.time);
      writes++;
    }
  }),
);
const finished = Date.now();
process.stdout.write(`${JSON.stringify({ writes, started, finished, minutes: [...written], reports })}\n`);
input.close();
await database.close();
