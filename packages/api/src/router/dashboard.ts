import { z } from 'zod';
import { epochMs, indicatorParams, indicatorRequest, interval, MAX_CANDLES, symbolName } from '../inputs.ts';
import { publicProcedure, router } from '../trpc.ts';

export const snapshotInput = z.object({
  symbol: symbolName,
  interval,
  indicators: z
    .array(z.object({ indicator: indicatorRequest.shape.indicator, params: indicatorParams }))
    .max(10, 'at most 10 indicators per snapshot')
    .default([]),
  limit: z.number().int().min(1).max(MAX_CANDLES).default(500),
  to: epochMs.optional(),
});

export const dashboardRouter = router({
  /** Candles, indicators and the liquidation summary of the visible range in one call; partial failures in `errors`. */
  snapshot: publicProcedure.input(snapshotInput).query(({ ctx, input }) => ctx.services.dashboard.snapshot(input, ctx.cacheOutcomes)),
});
