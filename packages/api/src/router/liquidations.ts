import { SIDES } from '@wick/market';
import { z } from 'zod';
import { BUCKETS } from '../buckets.ts';
import { epochMs, liquidationEvent, MAX_LIQUIDATIONS_PER_INGEST, symbolName } from '../inputs.ts';
import { liquidationsLive } from '../live/liquidations-live.ts';
import { MAX_PAGE } from '../services/liquidations.ts';
import { ingestProcedure, publicProcedure, router } from '../trpc.ts';

export const side = z.enum(SIDES, { error: 'must be BUY (shorts liquidated) or SELL (longs liquidated)' });
export const minUsd = z.number().finite().min(0, 'must be ≥ 0').max(1e15, 'must be ≤ 1e15');

const filterFields = {
  symbol: symbolName.optional(),
  side: side.optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  minUsd: minUsd.optional(),
};

const fromBeforeTo = (f: { from?: number | undefined; to?: number | undefined }) =>
  f.from === undefined || f.to === undefined || f.from <= f.to;
const fromBeforeToIssue = { message: 'from must not be after to', path: ['from'] };

/** The filters every liquidation read shares (list, export, HTTP export). */
export const liquidationFilter = z.object(filterFields).refine(fromBeforeTo, fromBeforeToIssue);

export const listInput = z
  .object({
    ...filterFields,
    cursor: z.string().max(256).optional(),
    limit: z.number().int().min(1).max(MAX_PAGE, `must be ≤ ${MAX_PAGE}`).default(100),
  })
  .refine(fromBeforeTo, fromBeforeToIssue);

export const summaryInput = z
  .object({
    symbol: symbolName.optional(),
    bucket: z.enum(BUCKETS, { error: `must be one of ${BUCKETS.join(', ')}` }),
    from: epochMs,
    to: epochMs,
  })
  .refine(fromBeforeTo, fromBeforeToIssue);

export const liquidationsRouter = router({
  list: publicProcedure.input(listInput).query(({ ctx, input }) => ctx.services.liquidations.list(input)),

  summary: publicProcedure.input(summaryInput).query(({ ctx, input }) => ctx.services.liquidations.summary(input, ctx.cacheOutcomes)),

  /**
   * Stores Binance forceOrder events (idempotent: an event already stored counts as a duplicate),
   * drops the cached summaries they change and publishes each new row live, before answering.
   */
  ingest: ingestProcedure
    .input(
      z.object({
        events: z
          .array(liquidationEvent)
          .min(1, 'at least one event')
          .max(MAX_LIQUIDATIONS_PER_INGEST, `at most ${MAX_LIQUIDATIONS_PER_INGEST} events per call`),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.liquidations.ingest(input.events)),

  /** Streamed over httpBatchStreamLink: chunks of up to 1,000 rows, newest first. */
  export: publicProcedure.input(liquidationFilter).query(async function* ({ ctx, input, signal }) {
    yield* ctx.services.liquidations.exportRows(input, signal ? { signal } : {});
  }),
  live: liquidationsLive,
});
