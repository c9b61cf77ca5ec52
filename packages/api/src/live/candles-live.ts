import { liveProcedure } from '../trpc.ts';
import { candleStream } from './candle-stream.ts';
import { CandleSubscriber } from './candle-subscriber.ts';
import { candlesLiveInput } from './live-inputs.ts';
import { releasingIterable } from './releasing-iterable.ts';
import { callerIdentity } from '../caller-identity.ts';

/**
 * candles.live: the open candle's every change and each newly closed candle of one series (events:
 * CandleLiveEvent). Offered as a push feed under the caller's signal too: the SSE writer claims it
 * and lets the series' channel write to the socket, instead of pulling the iterator per event.
 */
export const candlesLive = liveProcedure.input(candlesLiveInput).subscription(async ({ ctx, input, signal }) => {
  // Checked before the stream opens, so a bad call is answered with its error instead of a silent stream.
  await ctx.services.symbols.assertKnown(input.symbol);
  const lease = ctx.live.openStream('candles', callerIdentity(ctx.config, ctx.request), signal);
  const subscriber = new CandleSubscriber(
    ctx.live,
    lease,
    { symbol: input.symbol, interval: input.interval },
    input.lastEventId ?? undefined,
  );
  ctx.live.feeds.offer(signal, subscriber);
  return releasingIterable(candleStream(subscriber, lease.throwIfEnded), () => void subscriber.close());
});
