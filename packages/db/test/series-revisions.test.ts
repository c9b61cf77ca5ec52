import { INTERVAL_MS, INTERVALS, type CandleColumns, type Interval } from '@wick/market';
import { randomWalkCandles } from '@wick/testkit';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  DEFAULT_TAIL_LENGTH,
  ensureSymbols,
  getCandles,
  InvalidQueryError,
  RollupConflictError,
  upsertCandles,
  type CandleInput,
  type SeriesUpdate,
  type TestDatabase,
} from '../src/index.ts';
import { withConnection } from '../src/client.ts';
import { rebaseSeriesHeads } from '../src/series-heads.ts';

let db: TestDatabase;
/** µs since the epoch when this file started: no head it creates can have an older base. */
let startedUs = 0;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'DOTUSDT', 'BNBUSDT'];
beforeAll(async () => {
  startedUs = Date.now() * 1000;
  db = await createTestDatabase('wick_test_db_series_revisions');
  await ensureSymbols(
    db,
    SYMBOLS.map((name) => ({ name, base: name.replace(/USDT$/, ''), quote: 'USDT' })),
  );
});
afterAll(async () => {
  await db?.drop();
});

const M = 60_000;
const H = 3_600_000;
const DAY = 86_400_000;
/** 23:30 UTC: the 1d, 4h, 1h, 15m and 5m buckets all turn at minute 30 after it. */
const T0 = Date.UTC(2024, 4, 1) - 30 * M;

const walk = (n: number, seed: number, startTime: number): CandleInput[] =>
  randomWalkCandles(n, { seed, startTime, startPrice: 100, priceDecimals: 2, volumeDecimals: 3 }).map((c, i) => ({
    ...c,
    trades: 1 + i,
  }));

const columns = (c: CandleColumns) => ({
  time: Array.from(c.time),
  open: Array.from(c.open),
  high: Array.from(c.high),
  low: Array.from(c.low),
  close: Array.from(c.close),
  volume: Array.from(c.volume),
});

/** Each reported tail is what the store holds afterwards: the series' last `length` candles. */
async function expectTailsStored(symbol: string, series: SeriesUpdate[], length = DEFAULT_TAIL_LENGTH): Promise<void> {
  for (const s of series) {
    const stored = await getCandles(db, { symbol, interval: s.interval, limit: length, newest: true });
    expect(columns(s.tail), `${symbol} ${s.interval}`).toEqual(columns(stored));
  }
}

/**
 * A new head starts at the database clock in µs (its base), and revs count commits from there. The
 * tests below count commits, so they see each series' revs minus its base: the rev before its first
 * reported write, checked against the clock (the database runs on this machine; 1 s of slack).
 */
const bases = new Map<string, number>();
const CLOCK_SLACK_US = 1_000_000;
const baseOf = (symbol: string, interval: string) => bases.get(`${symbol}:${interval}`) ?? 0;

async function write(symbol: string, interval: Interval, candles: CandleInput[], options?: { tailLength?: number }) {
  const out = await upsertCandles(db, symbol, interval, candles, options);
  const nowUs = Date.now() * 1000;
  for (const s of out.series) {
    const key = `${symbol}:${s.interval}`;
    if (bases.has(key)) continue;
    expect(s.rev - 1, `${key}: its base is the clock when its head was created`).toBeGreaterThanOrEqual(startedUs - CLOCK_SLACK_US);
    expect(s.rev - 1, key).toBeLessThanOrEqual(nowUs + CLOCK_SLACK_US);
    bases.set(key, s.rev - 1);
  }
  return { ...out, series: out.series.map((s) => ({ ...s, rev: s.rev - baseOf(symbol, s.interval) })) };
}

async function storedHeads(symbol: string): Promise<Record<string, [number, number | null]>> {
  const [rows] = await db.pool.query<RowDataPacket[]>(
    'SELECT h.`interval` AS iv, h.rev, h.last_open_time AS last FROM series_heads h JOIN symbols s ON s.id = h.symbol_id WHERE s.name = ?',
    [symbol],
  );
  return Object.fromEntries(
    rows.map((r) => [String(r.iv), [Number(r.rev) - baseOf(symbol, String(r.iv)), r.last === null ? null : Number(r.last)]]),
  );
}

const revs = (series: SeriesUpdate[]) => Object.fromEntries(series.map((s) => [s.interval, s.rev]));
const tailOnly = (series: SeriesUpdate[]) => Object.fromEntries(series.map((s) => [s.interval, s.tailOnly]));
const allIntervals = (value: number | boolean) => Object.fromEntries(INTERVALS.map((iv) => [iv, value]));
const lastTime = (s: SeriesUpdate) => s.tail.time[s.tail.time.length - 1];

describe('series revisions', () => {
  it('appends and open-candle updates: consecutive revs, tail-only, tails as stored, heads saved', async () => {
    const minutes = walk(70, 1, T0);
    const first = await write('BTCUSDT', '1m', [minutes[0]!]);
    // A series without candles before the write: its first candles are history, not an append.
    expect(revs(first.series)).toEqual(allIntervals(1));
    expect(tailOnly(first.series)).toEqual(allIntervals(false));
    await expectTailsStored('BTCUSDT', first.series);
    let rev = 1;
    for (let i = 0; i < minutes.length; i++) {
      const open = minutes[i]!;
      // The open minute as it grows, then closed by the next minute's first write.
      for (const candle of [{ ...open, close: open.high, volume: open.volume + 1 }, open]) {
        const { affected, series } = await write('BTCUSDT', '1m', [candle]);
        rev++;
        expect(affected).toBe(1);
        expect(revs(series)).toEqual(allIntervals(rev));
        expect(tailOnly(series)).toEqual(allIntervals(true));
        await expectTailsStored('BTCUSDT', series);
      }
    }
    const heads = await storedHeads('BTCUSDT');
    const last = minutes[minutes.length - 1]!.time;
    expect(heads['1m']).toEqual([rev, last]);
    expect(heads['5m']).toEqual([rev, last - (last % (5 * M))]);
    expect(heads['1d']).toEqual([rev, last - (last % DAY)]);
  });

  it('a minute at a new 5m, 1h and 1d boundary reports each roll-up series with its new bucket last', async () => {
    const before = walk(30, 2, T0);
    await write('ETHUSDT', '1m', before);
    const midnight = T0 + 30 * M;
    const [minute] = walk(1, 3, midnight);
    const { series } = await write('ETHUSDT', '1m', [minute!]);
    expect(series.map((s) => s.interval)).toEqual([...INTERVALS]);
    expect(tailOnly(series)).toEqual(allIntervals(true));
    for (const s of series) {
      expect(lastTime(s), s.interval).toBe(midnight);
      // The bucket before it is the one the previous minutes filled.
      expect(s.tail.time[s.tail.time.length - 2], s.interval).toBe(midnight - INTERVAL_MS[s.interval]);
      // Its values are the one minute's.
      expect(s.tail.open[s.tail.time.length - 1]).toBe(minute!.open);
      expect(s.tail.volume[s.tail.time.length - 1]).toBe(minute!.volume);
    }
    await expectTailsStored('ETHUSDT', series);
  });

  it('a correction of an older candle and a backfill are not tail-only where they reach before the last candle', async () => {
    // 23:30 … 00:49; stored from 00:05: the last 1m is 00:49, 5m and 15m 00:45, 1h and 4h 00:00, 1d the new day.
    const minutes = walk(80, 4, T0);
    await write('SOLUSDT', '1m', minutes.slice(35));
    const old = minutes[52]!; // 00:22
    const correction = await write('SOLUSDT', '1m', [{ ...old, close: old.high, volume: old.volume + 5 }]);
    expect(tailOnly(correction.series)).toEqual({ '1m': false, '5m': false, '15m': false, '1h': true, '4h': true, '1d': true });
    const recent = minutes[76]!; // 00:46, inside the last 5m bucket
    const inside = await write('SOLUSDT', '1m', [{ ...recent, volume: recent.volume + 1 }]);
    expect(tailOnly(inside.series)).toEqual({ '1m': false, '5m': true, '15m': true, '1h': true, '4h': true, '1d': true });
    // 23:30 … 00:04, before everything stored: a backfill of every series.
    const backfill = await write('SOLUSDT', '1m', minutes.slice(0, 35));
    expect(tailOnly(backfill.series)).toEqual(allIntervals(false));
    expect(revs(backfill.series)).toEqual(allIntervals(4));
    await expectTailsStored('SOLUSDT', backfill.series);
  });

  it('re-sending changes nothing and reports nothing; a change that leaves a roll-up as it was reports only 1m', async () => {
    // Three minutes of one 5m bucket; the middle one is neither first nor last, nor the high or low.
    const base = { volume: 1, quoteVolume: 1, trades: 1 };
    const minutes: CandleInput[] = [
      { time: T0, open: 10, high: 20, low: 5, close: 10, ...base },
      { time: T0 + M, open: 10, high: 12, low: 8, close: 10, ...base },
      { time: T0 + 2 * M, open: 10, high: 11, low: 9, close: 10, ...base },
    ];
    const first = await write('XRPUSDT', '1m', minutes);
    expect(revs(first.series)).toEqual(allIntervals(1));
    expect(await write('XRPUSDT', '1m', minutes)).toEqual({ affected: 0, series: [] });
    const changed = await write('XRPUSDT', '1m', [{ ...minutes[1]!, high: 15 }]);
    expect(changed.affected).toBe(1);
    expect(changed.series.map((s) => [s.interval, s.rev, s.tailOnly])).toEqual([['1m', 2, false]]);
    const heads = await storedHeads('XRPUSDT');
    expect(heads['1m']![0]).toBe(2);
    expect(heads['5m']![0]).toBe(1);
    // The next change of the bucket continues its revs without a gap.
    const next = await write('XRPUSDT', '1m', [{ ...minutes[2]!, close: 11 }]);
    expect(revs(next.series)).toEqual({ '1m': 3, '5m': 2, '15m': 2, '1h': 2, '4h': 2, '1d': 2 });
  });

  it('direct writes bump their own series only; a refused one bumps nothing; the first minutes of a day rewrite its direct history', async () => {
    const days: CandleInput[] = walk(3, 5, 0).map((c, i) => ({ ...c, time: T0 + 30 * M - (3 - i) * DAY }));
    const daily = await write('ADAUSDT', '1d', days);
    expect(daily.series.map((s) => [s.interval, s.rev, s.tailOnly])).toEqual([['1d', 1, false]]);
    await expectTailsStored('ADAUSDT', daily.series);
    const lastDay = days[2]!;
    const update = await write('ADAUSDT', '1d', [{ ...lastDay, close: lastDay.high }]);
    expect(update.series.map((s) => [s.interval, s.rev, s.tailOnly])).toEqual([['1d', 2, true]]);
    const hourly: CandleInput[] = walk(4, 6, 0).map((c, i) => ({ ...c, time: lastDay.time + i * H }));
    expect((await write('ADAUSDT', '1h', hourly)).series.map((s) => [s.interval, s.rev])).toEqual([['1h', 1]]);
    expect(Object.keys(await storedHeads('ADAUSDT')).sort()).toEqual(['1d', '1h']);

    // The first minute of that day: every series moves; 1h lost its direct candles (not tail-only).
    const [minute] = walk(1, 7, lastDay.time + 2 * H + 5 * M);
    const takeover = await write('ADAUSDT', '1m', [minute!]);
    expect(revs(takeover.series)).toEqual({ '1m': 1, '5m': 1, '15m': 1, '1h': 2, '4h': 1, '1d': 3 });
    expect(tailOnly(takeover.series)).toMatchObject({ '1h': false, '1d': true });
    expect(Array.from(takeover.series.find((s) => s.interval === '1h')!.tail.time)).toEqual([lastDay.time + 2 * H]);
    await expectTailsStored('ADAUSDT', takeover.series);

    await expect(write('ADAUSDT', '1h', [{ ...hourly[0]!, time: lastDay.time + 5 * H }])).rejects.toBeInstanceOf(RollupConflictError);
    const after = await write('ADAUSDT', '1h', [{ ...hourly[0]!, time: days[0]!.time }]);
    expect(after.series.map((s) => [s.interval, s.rev, s.tailOnly])).toEqual([['1h', 3, false]]);
  });

  it('two concurrent writers of a symbol: revs follow commit order, each tail holds what committed before it and nothing after', async () => {
    const minutes = walk(12, 8, T0);
    await write('DOTUSDT', '1m', minutes.slice(0, 10));
    for (let round = 0; round < 5; round++) {
      const a = { ...minutes[10]!, volume: 100 + round };
      const b = { ...minutes[11]!, volume: 200 + round };
      const [ra, rb] = await Promise.all([write('DOTUSDT', '1m', [a]), write('DOTUSDT', '1m', [b])]);
      const [earlier, later, earlierCandle, laterCandle] = ra.series[0]!.rev < rb.series[0]!.rev ? [ra, rb, a, b] : [rb, ra, b, a];
      expect(later.series[0]!.rev).toBe(earlier.series[0]!.rev + 1);
      const volumeAt = (s: SeriesUpdate, time: number) => s.tail.volume[Array.from(s.tail.time).indexOf(time)];
      const [earlier1m, later1m] = [earlier.series[0]!, later.series[0]!];
      expect(volumeAt(earlier1m, earlierCandle.time)).toBe(earlierCandle.volume);
      expect(volumeAt(later1m, earlierCandle.time)).toBe(earlierCandle.volume);
      expect(volumeAt(later1m, laterCandle.time)).toBe(laterCandle.volume);
      // The later commit is not in the earlier tail (that minute still has its previous value there).
      expect(volumeAt(earlier1m, laterCandle.time)).not.toBe(laterCandle.volume);
    }
    await expectTailsStored('DOTUSDT', (await write('DOTUSDT', '1m', [{ ...minutes[11]!, volume: 1 }])).series);
  });

  it('tails of another length, and lengths it refuses', async () => {
    const minutes = walk(10, 9, T0);
    const { series } = await write('BNBUSDT', '1m', minutes, { tailLength: 4 });
    expect(series.find((s) => s.interval === '1m')!.tail.time).toHaveLength(4);
    await expectTailsStored('BNBUSDT', series, 4);
    for (const tailLength of [0, 1001, 1.5]) {
      await expect(write('BNBUSDT', '1m', minutes, { tailLength })).rejects.toBeInstanceOf(InvalidQueryError);
    }
  });
});

describe('series revisions across databases', () => {
  it('a restored database (older revs) is rebased above the clock; its next write is not tail-only', async () => {
    const minutes = walk(3, 13, T0);
    await upsertCandles(db, 'BNBUSDT', '1m', minutes.slice(0, 2));
    // As a backup restored from before this database's heads had clock bases: small revs.
    await db.pool.query("UPDATE series_heads SET rev = 5 WHERE symbol_id = (SELECT id FROM symbols WHERE name = 'BNBUSDT')");
    const before = Date.now() * 1000;
    const moved = await withConnection(db, (conn) => rebaseSeriesHeads(conn));
    expect(moved).toBeGreaterThanOrEqual(INTERVALS.length);
    const next = await upsertCandles(db, 'BNBUSDT', '1m', [minutes[2]!]);
    expect(next.series.map((s) => s.interval)).toEqual([...INTERVALS]);
    for (const s of next.series) {
      expect(s.rev, s.interval).toBeGreaterThan(before - CLOCK_SLACK_US);
      expect(s.tailOnly, s.interval).toBe(false);
    }
    // A head already above the clock keeps its rev: rebasing never moves one back.
    const ahead = Date.now() * 1000 + 3_600_000_000;
    await db.pool.query("UPDATE series_heads SET rev = ? WHERE symbol_id = (SELECT id FROM symbols WHERE name = 'BNBUSDT')", [ahead]);
    await withConnection(db, (conn) => rebaseSeriesHeads(conn));
    const [again] = await upsertCandles(db, 'BNBUSDT', '1m', [{ ...minutes[2]!, volume: minutes[2]!.volume + 1 }]).then((r) => r.series);
    expect(again!.rev).toBe(ahead + 1);
  });

  it('a database dropped and created again continues above every rev the old one handed out', async () => {
    const name = 'wick_test_db_series_revisions_recreated';
    const revsOf = async (database: TestDatabase, candles: CandleInput[]) => {
      await ensureSymbols(database, [{ name: 'BTCUSDT', base: 'BTC', quote: 'USDT' }]);
      let out: SeriesUpdate[] = [];
      // Many commits, so the old revs run well past the old base.
      for (const c of candles) out = (await upsertCandles(database, 'BTCUSDT', '1m', [c])).series;
      return Object.fromEntries(out.map((x) => [x.interval, x.rev]));
    };
    const first = await createTestDatabase(name);
    let old: Record<string, number>;
    try {
      old = await revsOf(first, walk(40, 11, T0));
    } finally {
      await first.drop();
    }
    const again = await createTestDatabase(name);
    try {
      const fresh = await revsOf(again, walk(1, 12, T0));
      expect(Object.keys(fresh)).toEqual([...INTERVALS]);
      for (const iv of INTERVALS) expect(fresh[iv], iv).toBeGreaterThan(old[iv]!);
    } finally {
      await again.drop();
    }
  });
});
