import { indicators } from '@wick/indicators';
import { z } from 'zod';
import { indicatorRequest } from '../inputs.ts';
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
    defaults: def.params.parse({}) as Record<string, unknown>,
    lookback: def.lookback(def.params.parse({})),
    params: schema as Record<string, unknown>,
  };
});

export const indicatorsRouter = router({
  catalog: publicProcedure.query(() => ({ indicators: catalog })),

  compute: publicProcedure.input(indicatorRequest).query(({ ctx, input }) => ctx.services.indicators.compute(input, ctx.cacheOutcomes)),

  batch: publicProcedure
    .input(z.object({ items: z.array(indicatorRequest).min(1, 'at least one item').max(10, 'at most 10 items') }))
    .query(async ({ ctx, input }) => ({ items: await ctx.services.indicators.batch(input.items, ctx.cacheOutcomes) })),
});
