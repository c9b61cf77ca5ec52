import { canonicalParams, historyFor, parseParams } from '@wick/indicators';
import { INTERVAL_MS } from '@wick/market';
import { callerIdentity } from '../caller-identity.ts';
import { liveProcedure } from '../trpc.ts';
import type { ComputationHandle } from './indicator-computations.ts';
import { indicatorManyStream } from './indicator-many-stream.ts';
import { indicatorsLiveManyInput } from './live-inputs.ts';
import { releasingIterable } from './releasing-iterable.ts';

/**
 * indicators.liveMany: indicators.live for several indicators of one series over ONE stream (one
 * connection, one stream slot): every item's window, then each one's changed values, each event
 * naming its item (events: IndicatorManyEvent). The computations are the ones indicators.live
 * subscribers share; its tracked ids resume every item without a gap.
 */
export const indicatorsLiveMany = liveProcedure.input(indicatorsLiveManyInput).subscription(async ({ ctx, input, signal }) => {
  const series = { symbol: input.symbol, interval: input.interval };
  // Every item's params are checked before anything opens. A repeated item is allowed (it shares
  // the computation and is named by its own index): screens tell "rsi" from "rsi period=14".
  const specs = input.items.map((item) => {
    const params = parseParams(item.indicator, item.params);
    return {
      series,
      indicator: item.indicator,
      params,
      canonical: canonicalParams(item.indicator, item.params),
      limit: item.limit,
      warmup: historyFor(item.indicator, params, INTERVAL_MS[input.interval]),
    };
  });
  await ctx.services.symbols.assertKnown(input.symbol);
  const lease = ctx.live.openStream('indicators', callerIdentity(ctx.config, ctx.request), signal);
  const acquired = await Promise.allSettled(specs.map((spec) => ctx.live.indicators.acquire(spec)));
  const handles = acquired.flatMap((a): ComputationHandle[] => (a.status === 'fulfilled' ? [a.value] : []));
  const failed = acquired.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failed) {
    lease.release();
    await Promise.allSettled(handles.map((h) => h.release()));
    throw failed.reason;
  }
  // A stream that never starts (its caller left first) still gives its slot and computations back.
  const release = () => {
    lease.release();
    for (const h of handles) void h.release();
  };
  lease.signal.addEventListener('abort', release, { once: true });
  return releasingIterable(indicatorManyStream(ctx.live, lease, handles, input.lastEventId ?? undefined), release);
});
