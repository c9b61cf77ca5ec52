import { z } from 'zod';
import { interval, symbolName } from '../inputs.ts';
import { adminProcedure, publicProcedure, router } from '../trpc.ts';

export const cacheRouter = router({
  stats: publicProcedure.query(({ ctx }) => ctx.services.cache.stats()),

  invalidate: adminProcedure.input(z.object({ symbol: symbolName, interval: interval.optional() })).mutation(async ({ ctx, input }) => {
    if (input.interval) await ctx.services.cache.invalidateSeries({ symbol: input.symbol, interval: input.interval });
    else await ctx.services.cache.invalidateSymbol(input.symbol);
    return { invalidated: { symbol: input.symbol, interval: input.interval ?? 'all' } };
  }),

  clear: adminProcedure.mutation(({ ctx }) => ctx.services.cache.clear()),
});
