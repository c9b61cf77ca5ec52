import { publicProcedure, router } from '../trpc.ts';

export const symbolsRouter = router({
  list: publicProcedure.query(async ({ ctx }) => {
    const cached = await ctx.services.symbols.list();
    ctx.cacheOutcomes[cached.status] += 1;
    return { symbols: cached.value, cache: { status: cached.status, ageMs: cached.ageMs } };
  }),
});
