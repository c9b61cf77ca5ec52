import { candleOpenTime, INTERVALS, ROLLUP_INTERVALS } from '@wick/market';
import { randomWalkCandles } from '@wick/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  ensureSymbols,
  getCandles,
  InvalidQueryError,
  latestMinuteCandle,
  listSymbols,
  RollupConflictError,
  UnknownSymbolError,
  upsertCandles,
  type CandleInput,
  type TestDatabase,
} from '../src/index.ts';
import { rollUpFromScratch, scale10, storedCandles, type TextCandle } from './support/rollup-oracle.ts';

let db: TestDatabase;
const SYMBOLS = ['BTCUSDT', 'PEPEUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'];
beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_candles');
  await ensureSymbols(
    db,
    SYMBOLS.map((name) => ({ name, base: name.replace(/USDT$/, ''), quote: 'USDT' })),
  );
});
afterAll(async () => {
  await db?.drop();
});

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 2, 10);
const walk = (n: number, seed: number, startTime = 0): CandleInput[] =>
  randomWalkCandles(n, { seed, startTime, startPrice: 60_000, priceDecimals: 2, volumeDecimals: 3 });

/**
 * Every higher interval of `symbol` equals the from-scratch aggregate of its stored 1m candles,
 * apart from candles written directly on `directDays` (days without 1m).
 */
async function expectRollupsConsistent(symbol: string, directDays: number[] = []): Promise<TextCandle[]> {
  const minutes = await storedCandles(db, symbol, '1m');
  for (const iv of ROLLUP_INTERVALS) {
    const stored = (await storedCandles(db, symbol, iv)).filter((c) => !directDays.includes(candleOpenTime('1d', c.time)));
    expect(stored, `${symbol} ${iv}`).toEqual(rollUpFromScratch(minutes, iv));
  }
  return minutes;
}

describe('candles', () => {
  it('lists symbols', async () => {
    const names = (await listSymbols(db)).map((s) => s.name);
    expect(names).toEqual([...SYMBOLS].sort());
  });

  it('upserts idempotently and reads ranges ascending, oldest-first or newest-first', async () => {
    const input = walk(100, 1);
    expect((await upsertCandles(db, 'BTCUSDT', '1m', input)).affected).toBe(100);
    expect(await upsertCandles(db, 'BTCUSDT', '1m', input)).toEqual({ affected: 0, series: [] });
    const changed = input.slice(0, 3).map((c) => ({ ...c, volume: c.volume + 1 }));
    const extra = { ...input[99]!, time: 100 * 60_000 };
    expect((await upsertCandles(db, 'BTCUSDT', '1m', [...changed, extra])).affected).toBe(4);

    const first = await getCandles(db, { symbol: 'BTCUSDT', interval: '1m', from: 5 * 60_000, limit: 3 });
    expect(Array.from(first.time)).toEqual([5, 6, 7].map((i) => i * 60_000));
    expect(Array.from(first.open)).toEqual(input.slice(5, 8).map((c) => c.open));
    expect(Array.from(first.high)).toEqual(input.slice(5, 8).map((c) => c.high));
    const newest = await getCandles(db, { symbol: 'BTCUSDT', interval: '1m', to: 50 * 60_000, limit: 3, newest: true });
    expect(Array.from(newest.time)).toEqual([48, 49, 50].map((i) => i * 60_000));
    expect(Array.from(newest.close)).toEqual(input.slice(48, 51).map((c) => c.close));
    const fiveMinutes = await getCandles(db, { symbol: 'BTCUSDT', interval: '5m', limit: 100 });
    expect(fiveMinutes.time.length).toBe(21);
    await expectRollupsConsistent('BTCUSDT');
  });

  it('keeps tiny prices exact to 10 decimals', async () => {
    const c: CandleInput = { time: 0, open: 0.0000012345, high: 0.0000012399, low: 0.00000123, close: 0.0000012388, volume: 1e12 };
    await upsertCandles(db, 'PEPEUSDT', '1m', [c]);
    const got = await getCandles(db, { symbol: 'PEPEUSDT', interval: '1m', limit: 1 });
    expect([got.open[0], got.high[0], got.low[0], got.close[0], got.volume[0]]).toEqual([c.open, c.high, c.low, c.close, c.volume]);
    const day = await getCandles(db, { symbol: 'PEPEUSDT', interval: '1d', limit: 1 });
    expect([day.open[0], day.high[0], day.low[0], day.close[0], day.volume[0]]).toEqual([c.open, c.high, c.low, c.close, c.volume]);
  });

  it('a 1m write derives every higher interval in the same call, the open bucket included', async () => {
    // 23:50 .. 00:06 UTC: crosses a 5m, 15m, 1h, 4h and 1d edge; the last buckets are partial.
    const input = walk(17, 2, D0 - 10 * 60_000).map((c, i) => ({ ...c, quoteVolume: 1000 + i / 4, trades: 10 + i }));
    await upsertCandles(db, 'ETHUSDT', '1m', input);
    const minutes = await expectRollupsConsistent('ETHUSDT');
    expect(minutes.map((m) => m.time)).toEqual(input.map((c) => c.time));
    const day = await storedCandles(db, 'ETHUSDT', '1d');
    expect(day.map((d) => d.time)).toEqual([D0 - DAY, D0]);
    const today = input.slice(10);
    expect(day[1]).toEqual({
      time: D0,
      open: scale10(today[0]!.open),
      high: scale10(Math.max(...today.map((c) => c.high))),
      low: scale10(Math.min(...today.map((c) => c.low))),
      close: scale10(today[today.length - 1]!.close),
      volume: rollUpFromScratch(minutes.slice(10), '1d')[0]!.volume,
      quoteVolume: scale10(today.reduce((s, c) => s + c.quoteVolume!, 0)),
      trades: today.reduce((s, c) => s + c.trades!, 0),
    });
    const fourHours = await storedCandles(db, 'ETHUSDT', '4h');
    expect(fourHours.map((c) => c.time)).toEqual([D0 - 4 * 3_600_000, D0]);
  });

  it('a correction of an old minute, or one filling a gap, re-derives its buckets', async () => {
    const input = walk(3 * 60, 3, D0);
    const withGaps = input.filter((_, i) => i % 7 !== 3);
    await upsertCandles(db, 'SOLUSDT', '1m', withGaps);
    await expectRollupsConsistent('SOLUSDT');
    const old = input[42]!;
    await upsertCandles(db, 'SOLUSDT', '1m', [{ ...old, high: old.high * 2, close: old.high * 1.5, volume: 1 }]);
    await upsertCandles(db, 'SOLUSDT', '1m', [input[3]!, input[10]!]);
    const minutes = await expectRollupsConsistent('SOLUSDT');
    expect(minutes).toHaveLength(withGaps.length + 2);
    const hour = await getCandles(db, { symbol: 'SOLUSDT', interval: '1h', from: D0, limit: 1 });
    expect(hour.high[0]).toBe(old.high * 2);
  });

  it('writes a higher interval directly only on days without 1m candles', async () => {
    const daily: CandleInput[] = walk(3, 4, 0).map((c, i) => ({ ...c, time: D0 - (5 - i) * DAY }));
    expect((await upsertCandles(db, 'XRPUSDT', '1d', daily)).affected).toBe(3);
    await upsertCandles(db, 'XRPUSDT', '1m', walk(5, 5, D0 + 3_600_000));
    const hourly: CandleInput[] = walk(2, 6, 0).map((c, i) => ({ ...c, time: D0 + i * 3_600_000 }));
    const err = await upsertCandles(db, 'XRPUSDT', '1h', hourly).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollupConflictError);
    expect(err).toBeInstanceOf(InvalidQueryError);
    expect((err as RollupConflictError).openTimes).toEqual([D0, D0 + 3_600_000]);
    expect((err as Error).message).toContain('write the 1m candles instead');
    // Nothing of the refused write landed, and the derived 1h is untouched.
    const hours = await storedCandles(db, 'XRPUSDT', '1h');
    expect(hours.map((h) => h.time)).toEqual([D0 + 3_600_000]);
    await expectRollupsConsistent(
      'XRPUSDT',
      daily.map((d) => d.time),
    );
    // The directly written days are still there, and can be rewritten.
    const days = await storedCandles(db, 'XRPUSDT', '1d');
    expect(days.map((d) => d.time)).toEqual([...daily.map((d) => d.time), D0]);
    expect((await upsertCandles(db, 'XRPUSDT', '1d', [{ ...daily[0]!, close: daily[0]!.high }])).affected).toBe(1);
  });

  it('the first 1m candles of a day replace what was written directly for it', async () => {
    await ensureSymbols(db, [{ name: 'LINKUSDT', base: 'LINK', quote: 'USDT' }]);
    const H = 3_600_000;
    const day = D0 + 20 * DAY;
    const hourly: CandleInput[] = walk(6, 10, 0).map((c, i) => ({ ...c, time: day + i * H, quoteVolume: 100 + i, trades: i }));
    const nextDay: CandleInput[] = hourly.map((c) => ({ ...c, time: c.time + DAY }));
    expect((await upsertCandles(db, 'LINKUSDT', '1h', [...hourly, ...nextDay])).affected).toBe(12);
    expect((await upsertCandles(db, 'LINKUSDT', '4h', [{ ...hourly[0]!, high: hourly[0]!.high * 3 }])).affected).toBe(1);
    // A direct write below 1d leaves no 1d row behind.
    expect(await storedCandles(db, 'LINKUSDT', '1d')).toEqual([]);
    const [minute] = walk(1, 11, day + 2 * H + 30 * 60_000);
    await upsertCandles(db, 'LINKUSDT', '1m', [minute!]);
    // That day is now a 1m day: every higher interval derives from its one minute.
    await expectRollupsConsistent('LINKUSDT', [day + DAY]);
    expect((await storedCandles(db, 'LINKUSDT', '1h')).map((h) => h.time)).toEqual([day + 2 * H, ...nextDay.map((c) => c.time)]);
    await expect(upsertCandles(db, 'LINKUSDT', '1h', [hourly[5]!])).rejects.toBeInstanceOf(RollupConflictError);
    // The next day, without 1m, keeps its directly written candles.
    expect(await upsertCandles(db, 'LINKUSDT', '1h', nextDay)).toEqual({ affected: 0, series: [] });
  });

  it('a failed write leaves nothing behind, roll-ups included', async () => {
    const before = await Promise.all(INTERVALS.map((iv) => storedCandles(db, 'BTCUSDT', iv)));
    const input = walk(3, 7, D0 + 7 * DAY);
    // The second candle's volume overflows DECIMAL(30,10): the server refuses the statement.
    const err = await upsertCandles(db, 'BTCUSDT', '1m', [input[0]!, { ...input[1]!, volume: 1e25 }, input[2]!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await Promise.all(INTERVALS.map((iv) => storedCandles(db, 'BTCUSDT', iv)))).toEqual(before);
  });

  it('finds the latest stored 1m candle of a symbol', async () => {
    await ensureSymbols(db, [{ name: 'ADAUSDT', base: 'ADA', quote: 'USDT' }]);
    expect(await latestMinuteCandle(db, 'ADAUSDT')).toBeNull();
    const input = walk(30, 8, D0).map((c, i) => ({ ...c, quoteVolume: 5 + i, trades: i }));
    await upsertCandles(db, 'ADAUSDT', '1m', [...input.slice(20), ...input.slice(0, 20)]);
    expect(await latestMinuteCandle(db, 'ADAUSDT')).toEqual(input[29]);
    await expect(latestMinuteCandle(db, 'NOPEUSDT')).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it('names its errors', async () => {
    const [one] = walk(1, 9);
    await expect(upsertCandles(db, 'NOPEUSDT', '1m', [one!])).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(getCandles(db, { symbol: 'NOPEUSDT', interval: '1m', limit: 1 })).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(upsertCandles(db, 'BTCUSDT', '1m', [{ ...one!, high: one!.low / 2 }])).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(upsertCandles(db, 'BTCUSDT', '1m', [{ ...one!, time: 1 }])).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(getCandles(db, { symbol: 'BTCUSDT', interval: '1m', limit: 0 })).rejects.toBeInstanceOf(InvalidQueryError);
  });
});
