import { canonicalParams, historyFor, parseParams } from '@wick/indicators';
import { INTERVAL_MS } from '@wick/market';
import { liveProcedure } from '../trpc.ts';
import { indicatorStream } from './indicator-stream.ts';
import { indicatorsLiveInput } from './live-inputs.ts';
import { releasingIterable } from './releasing-iterable.ts';
import { callerIdentity } from '../caller-identity.ts';

/**
 * indicators.live: the window (as indicators.compute answers it), then the changed tail values
 * (events: IndicatorLiveEvent). Subscribers of the same series, indicator, params and limit on this
 * process share one computation, so an update is computed once however many watch it.
 */
export const indicatorsLive = liveProcedure.input(indicatorsLiveInput).subscription(async ({ ctx, input, signal }) => {
  const series = { symbol: input.symbol, interval: input.interval };
  const params = parseParams(input.indicator, input.params);
  await ctx.services.symbols.assertKnown(input.symbol);
  const lease = ctx.live.openStream('indicators', callerIdentity(ctx.config, ctx.request), signal);
  try {
    const handle = await ctx.live.indicators.acquire({
      series,
      indicator: input.indicator,
      params,
      canonical: canonicalParams(input.indicator, input.params),
      limit: input.limit,
      warmup: historyFor(input.indicator, params, INTERVAL_MS[input.interval]),
    });
    // A stream that never starts (its caller left first) still gives its slot and computation back.
    const release = () => {
      lease.release();
      void handle.release();
    };
    lease.signal.addEventListener('abort', release, { once: true });
    return releasingIterable(indicatorStream(ctx.live, lease, handle, input.lastEventId ?? undefined), release);
  } catch (err) {
    lease.release();
    throw err;
  }
});
