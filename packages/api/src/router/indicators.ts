import { indicators } from '@wick/indicators';
import { INTERVAL_MS, INTERVALS } from '@wick/market';
import { z } from 'zod';
import { indicatorRequest } from '../inputs.ts';
import { indicatorsLive } from '../live/indicators-live.ts';
import { indicatorsLiveMany } from '../live/indicators-live-many.ts';
import { presentationOf } from '../services/indicator-presentation.ts';
import { publicProcedure, router } from '../trpc.ts';

/** The catalog never changes while a process runs: build it once. */
const catalog = [...indicators.values()].map((def) => {
  const schema = z.toJSONSchema(def.params, { io: 'input', unrepresentable: 'any' });
  return {
    name: def.name,
    title: def.title,
    family: def.family,
    inputs: [...def.inputs],
    outputs: [...def.outputs],
    ...presentationOf(def.name, def.outputs),
    defaults: def.params.parse({}) as Record<string, unknown>,
    lookback: def.lookback(def.params.parse({})),
    params: schema as Record<string, unknown>,
  };
});

/** The candle intervals every series has (1m and its roll-ups), finest first, with their width. */
const intervals = INTERVALS.map((name) => ({ name, ms: INTERVAL_MS[name] }));

export const indicatorsRouter = router({
  /** What a chart can ask for: every indicator (params, outputs, where and how it is drawn) and every interval. */
  catalog: publicProcedure.query(() => ({ indicators: catalog, intervals })),

  compute: publicProcedure.input(indicatorRequest).query(({ ctx, input }) => ctx.services.indicators.compute(input, ctx.cacheOutcomes)),

  batch: publicProcedure
    .input(z.object({ items: z.array(indicatorRequest).min(1, 'at least one item').max(10, 'at most 10 items') }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.indicators.batch(input.items, ctx.cacheOutcomes) })),
  live: indicatorsLive,
  /** Several indicators of one series over one stream (one connection), each event naming its item. */
  liveMany: indicatorsLiveMany,
});
