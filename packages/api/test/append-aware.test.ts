import { getCandles, type CandleInput } from '@wick/db';
import { indicators } from '@wick/indicators';
import { INTERVALS, ROLLUP_INTERVALS } from '@wick/market';
import { Prng } from '@wick/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advancesFromState } from '../src/services/indicator-advance.ts';
import { expectSameResult, freshLatest } from './support/fresh-compute.ts';
import { candleArrays, INGEST_KEY, startApiHarness, trpcError, wireError, type ApiHarness } from './support/api-harness.ts';
import { lastMinuteCandle, nextCandle, openCandleUpdate } from './support/live-writes.ts';

let api: ApiHarness;
let off: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness('advance');
  off = await startApiHarness('advance_off', { appendAware: false });
});
afterAll(async () => {
  await api?.close();
  await off?.close();
});

const LIMIT = 120;
/** Engine computations so far (on the calling thread or in a worker). */
const computations = (h: ApiHarness) => h.engine.stats().inlineRuns + h.engine.stats().completed;
const stats = (h: ApiHarness) => h.cache.stats();

function ingest(h: ApiHarness, symbol: string, candles: CandleInput[]) {
  return h.caller({ apiKey: INGEST_KEY }).candles.ingest({ symbol, interval: '1m', candles });
}

async function latestCandles(h: ApiHarness, symbol: string, interval: (typeof INTERVALS)[number], limit: number) {
  const c = await getCandles(h.database, { symbol, interval, limit, newest: true });
  return candleArrays(c, 0, c.time.length);
}

describe('append-aware indicator results', () => {
  const streaming = [...indicators.values()].map((d) => d.name).filter(advancesFromState);

  it('every indicator with a streaming form: after random open-candle updates and new candles, the advanced result equals a fresh computation (1e-9)', async () => {
    const symbol = 'ETHUSDT';
    const request = (indicator: string) => ({ symbol, interval: '1m' as const, indicator, params: {}, limit: LIMIT });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ append: fc.boolean(), readBetween: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        async (steps, seed) => {
          const prng = new Prng(seed);
          // Every result cached at the series' current head.
          for (const name of streaming) await api.caller().indicators.compute(request(name));
          const computedBefore = computations(api);
          const advancedBefore = (await stats(api)).advanced;

          for (const step of steps) {
            const last = await lastMinuteCandle(api.database, symbol);
            await ingest(api, symbol, [step.append ? nextCandle(last, prng) : openCandleUpdate(last, prng)]);
            // Some results advance one write at a time, the others over every write at once.
            if (step.readBetween) await api.caller().indicators.compute(request(streaming[prng.int(streaming.length)]!));
          }

          for (const name of streaming) {
            const r = await api.caller().indicators.compute(request(name));
            expect(r.cache.status, name).toBe('hit');
            expectSameResult(r, await freshLatest(api.database, { ...request(name), params: {} }), name);
          }
          // Not one recomputation: every result was brought forward from its state.
          expect(computations(api)).toBe(computedBefore);
          expect((await stats(api)).advanced - advancedBefore).toBeGreaterThanOrEqual(streaming.length);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('1m writes roll up: cached 5m … 1d windows and their indicator results advance, equal to the database', async () => {
    const symbol = 'BTCUSDT';
    const prng = new Prng(7);
    const reads = ROLLUP_INTERVALS.map((interval) => ({ symbol, interval, limit: 50 }));
    // The fixture's day of 1m candles makes a single 1d candle: RSI only below 1d.
    const rsi = { indicator: 'rsi', params: { period: 3 } };
    const withRsi = reads.filter((r) => r.interval !== '1d');
    for (const r of reads) await api.caller().candles.range(r);
    for (const r of withRsi) await api.caller().indicators.compute({ ...r, ...rsi });
    const loadsBefore = api.metrics.candleDbLoads;
    const computedBefore = computations(api);
    for (let i = 0; i < 4; i++) {
      const last = await lastMinuteCandle(api.database, symbol);
      await ingest(api, symbol, [i % 2 === 0 ? openCandleUpdate(last, prng) : nextCandle(last, prng)]);
    }
    for (const r of reads) {
      const candles = await api.caller().candles.range(r);
      expect(candles.cache.status, r.interval).toBe('hit');
      expect(candles.candles, r.interval).toEqual(await latestCandles(api, symbol, r.interval, r.limit));
    }
    for (const r of withRsi) {
      const result = await api.caller().indicators.compute({ ...r, ...rsi });
      expect(result.cache.status, r.interval).toBe('hit');
      expectSameResult(result, await freshLatest(api.database, { ...r, ...rsi }), `rsi ${r.interval}`);
    }
    expect(api.metrics.candleDbLoads).toBe(loadsBefore);
    expect(computations(api)).toBe(computedBefore);
  });

  it('OBV has no exact advance (it counts from the first candle read): its result is recomputed, equal to a fresh one', async () => {
    const symbol = 'ETHUSDT';
    const q = { symbol, interval: '1m' as const, indicator: 'obv', params: {}, limit: LIMIT };
    await api.caller().indicators.compute(q);
    expect((await api.caller().indicators.compute(q)).cache.status).toBe('hit');
    const last = await lastMinuteCandle(api.database, symbol);
    await ingest(api, symbol, [nextCandle(last, new Prng(3))]);
    const declinedBefore = (await stats(api)).advanceDeclined;
    const r = await api.caller().indicators.compute(q);
    expect(r.cache.status).toBe('miss');
    expect((await stats(api)).advanceDeclined - declinedBefore).toBe(1);
    expectSameResult(r, await freshLatest(api.database, q), 'obv');
  });

  it('a correction of an older candle is no advance: the results are recomputed with it', async () => {
    const symbol = 'BTCUSDT';
    const q = { symbol, interval: '1m' as const, indicator: 'sma', params: { period: 10 }, limit: LIMIT };
    await api.caller().indicators.compute(q);
    const before = await getCandles(api.database, { symbol, interval: '1m', limit: 30, newest: true });
    const i = 5;
    const corrected = {
      time: before.time[i]!,
      open: before.open[i]!,
      high: before.high[i]! + 5,
      low: before.low[i]!,
      close: before.close[i]! + 5,
      volume: 1,
    };
    const advancedBefore = (await stats(api)).advanced;
    await ingest(api, symbol, [corrected]);
    const r = await api.caller().indicators.compute(q);
    expect(r.cache.status).toBe('miss');
    expect((await stats(api)).advanced).toBe(advancedBefore);
    expectSameResult(r, await freshLatest(api.database, q), 'sma after a correction');
  });

  it('a write that appends more candles than the head holds leaves a gap: the cached window reloads, complete', async () => {
    const symbol = 'BTCUSDT';
    const q = { symbol, interval: '1m' as const, limit: 60 };
    await api.caller().candles.range(q);
    const prng = new Prng(11);
    const burst: CandleInput[] = [];
    let last = await lastMinuteCandle(api.database, symbol);
    for (let i = 0; i < 40; i++) burst.push((last = nextCandle(last, prng)));
    await ingest(api, symbol, burst);
    const r = await api.caller().candles.range(q);
    expect(r.cache.status).toBe('miss');
    expect(r.candles).toEqual(await latestCandles(api, symbol, '1m', 60));
  });
});

describe('historical windows during a live feed', () => {
  it('windows that end before the open candle keep hitting, unchanged, while the feed writes', async () => {
    const symbol = 'ETHUSDT';
    const to = api.candles.ETHUSDT.time[700]!;
    const reads = {
      candles: { symbol, interval: '1m' as const, to, limit: 200 },
      rsi: { symbol, interval: '1m' as const, indicator: 'rsi', params: { period: 14 }, to, limit: 200 },
      hourly: { symbol, interval: '1h' as const, to, limit: 5 },
    };
    const first = {
      candles: await api.caller().candles.range(reads.candles),
      rsi: await api.caller().indicators.compute(reads.rsi),
      hourly: await api.caller().candles.range(reads.hourly),
    };
    const loaderCallsBefore = (await stats(api)).loaderCalls;
    const prng = new Prng(5);
    for (let i = 0; i < 6; i++) {
      const last = await lastMinuteCandle(api.database, symbol);
      await ingest(api, symbol, [i % 3 === 2 ? nextCandle(last, prng) : openCandleUpdate(last, prng)]);
      const candles = await api.caller().candles.range(reads.candles);
      const rsi = await api.caller().indicators.compute(reads.rsi);
      const hourly = await api.caller().candles.range(reads.hourly);
      expect([candles.cache.status, rsi.cache.status, hourly.cache.status]).toEqual(['hit', 'hit', 'hit']);
      expect(candles.candles).toEqual(first.candles.candles);
      expect(rsi.values).toEqual(first.rsi.values);
      expect(hourly.candles).toEqual(first.hourly.candles);
    }
    expect((await stats(api)).loaderCalls).toBe(loaderCallsBefore);
  });
});

describe('candles.ingest', () => {
  it('publishes each changed series on its live channel with its rev and tail, before it answers', async () => {
    const symbol = 'BTCUSDT';
    const last = await lastMinuteCandle(api.database, symbol);
    const update = openCandleUpdate(last, new Prng(13));
    await ingest(api, symbol, [update]);
    for (const interval of INTERVALS) {
      const replay = await api.cache.replay({ kind: 'series', series: { symbol, interval } }, undefined, 1);
      const event = replay?.entries.at(-1)?.event;
      expect(event, interval).toBeDefined();
      const tail = await getCandles(api.database, { symbol, interval, limit: event!.tail.time.length, newest: true });
      expect(Array.from(event!.tail.close), interval).toEqual(Array.from(tail.close));
      expect(event!.tailOnly, interval).toBe(true);
      expect((await api.cache.readHead({ symbol, interval }))?.rev, interval).toBe(event!.rev);
    }
  });

  it('a direct higher-interval write where 1m rolls it up is BAD_REQUEST with the database’s reason', async () => {
    const t = api.candles.BTCUSDT.time[0]!;
    const err = await trpcError(
      api.caller({ apiKey: INGEST_KEY }).candles.ingest({
        symbol: 'BTCUSDT',
        interval: '5m',
        candles: [{ time: t, open: 10, high: 11, low: 9, close: 10, volume: 1 }],
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/derived from 1m: write the 1m candles instead/);
  });

  it('a candle time that is not an open time of its interval is BAD_REQUEST on that candle', async () => {
    const t = api.candles.BTCUSDT.time[0]! + 60_000;
    const err = await trpcError(
      api.caller({ apiKey: INGEST_KEY }).candles.ingest({
        symbol: 'BTCUSDT',
        interval: '5m',
        candles: [{ time: t, open: 10, high: 11, low: 9, close: 10, volume: 1 }],
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(wireError(err, 'candles.ingest').message).toContain('candles.0.time: must be a 5m open time');
  });
});

describe('append-aware results off (APPEND_AWARE=0)', () => {
  it('every write drops the cached results of the series: a miss after an open-candle update', async () => {
    const symbol = 'BTCUSDT';
    const q = { symbol, interval: '1m' as const, indicator: 'ema', params: { period: 9 }, limit: LIMIT };
    await off.caller().indicators.compute(q);
    await off.caller().candles.range({ symbol, interval: '1m', limit: LIMIT });
    expect((await off.caller().indicators.compute(q)).cache.status).toBe('hit');
    const last = await lastMinuteCandle(off.database, symbol);
    await ingest(off, symbol, [openCandleUpdate(last, new Prng(17))]);
    const r = await off.caller().indicators.compute(q);
    const candles = await off.caller().candles.range({ symbol, interval: '1m', limit: LIMIT });
    expect([r.cache.status, candles.cache.status]).toEqual(['miss', 'miss']);
    expect((await stats(off)).advanced).toBe(0);
    expectSameResult(r, await freshLatest(off.database, q), 'ema, advancing off');
  });
});
