import { liveProcedure } from '../trpc.ts';
import { liquidationStream } from './liquidation-stream.ts';
import { liquidationsLiveInput } from './live-inputs.ts';
import { releasingIterable } from './releasing-iterable.ts';
import { callerIdentity } from '../caller-identity.ts';

/** liquidations.live: each new liquidation matching the filters, with its USD value (events: LiquidationLiveEvent). */
export const liquidationsLive = liveProcedure.input(liquidationsLiveInput).subscription(async ({ ctx, input, signal }) => {
  const { lastEventId, ...filter } = input;
  if (filter.symbol !== undefined) await ctx.services.symbols.assertKnown(filter.symbol);
  const lease = ctx.live.openStream('liquidations', callerIdentity(ctx.config, ctx.request), signal);
  return releasingIterable(liquidationStream(ctx.live, lease, filter, lastEventId ?? undefined), lease.release);
});
