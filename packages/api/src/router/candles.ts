import { INTERVAL_MS } from '@wick/market';
import { z } from 'zod';
import { epochMs, interval, seriesWindow, symbolName } from '../inputs.ts';
import { candlesLive } from '../live/candles-live.ts';
import { loadOpenTime, windowArrays } from '../services/candles.ts';
import { ingestProcedure, publicProcedure, router } from '../trpc.ts';

const price = z.number().finite().positive().max(1e12);
const candle = z
  .object({
    time: epochMs,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: z.number().finite().min(0).max(1e15),
    quoteVolume: z.number().finite().min(0).max(1e18).optional(),
    trades: z.number().int().min(0).max(1e12).optional(),
  })
  .refine((c) => c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close), {
    message: 'needs low ≤ open, close ≤ high',
  });

export const candlesRouter = router({
  range: publicProcedure.input(seriesWindow).query(async ({ ctx, input }) => {
    const series = { symbol: input.symbol, interval: input.interval };
    const load = await ctx.services.candles.load(series, input, 0, ctx.cacheOutcomes);
    return {
      ...series,
      candles: windowArrays(load),
      openTime: loadOpenTime(series, load),
      cache: { status: load.status, ageMs: load.ageMs },
    };
  }),

  ingest: ingestProcedure
    .input(
      z
        .object({
          symbol: symbolName,
          interval,
          candles: z
            .array(candle)
            .min(1)
            .max(5000)
            .refine((cs) => new Set(cs.map((c) => c.time)).size === cs.length, 'candle times must be unique'),
        })
        .superRefine((input, ctx) => {
          // The first few misaligned candles are enough to see the mistake (seconds, or another interval).
          const width = INTERVAL_MS[input.interval];
          const misaligned = input.candles.flatMap((c, i) => (c.time % width === 0 ? [] : [i])).slice(0, 5);
          for (const i of misaligned) {
            ctx.addIssue({
              code: 'custom',
              path: ['candles', i, 'time'],
              message: `must be a ${input.interval} open time (a multiple of ${width} ms)`,
            });
          }
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const { affected } = await ctx.services.candles.ingest({ symbol: input.symbol, interval: input.interval }, input.candles);
      return { symbol: input.symbol, interval: input.interval, received: input.candles.length, affected };
    }),
  live: candlesLive,
});
