import { useQuery } from '@tanstack/react-query';
import { INTERVAL_MS, type Interval } from '@wick/market';
import { useEffect, useMemo, useRef } from 'react';
import type { Candles } from '../chart/candles.ts';
import { useLiveLiquidations } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';
import { addLive } from './live-buckets.ts';
import { liquidationMarkers } from './markers.ts';

/** liquidations.summary answers at most this many buckets. */
const MAX_BUCKETS = 2000;

/**
 * Long vs short liquidation USD per candle of the chart (bucket = the chart's interval, so bars
 * and markers line up with candles), over the newest loaded candles; liquidations that arrive
 * live after the summary was read are added to their candle's bucket.
 */
export function useLiquidationSummary(symbol: string | null, interval: Interval, candles: Candles) {
  const trpc = useTRPC();
  const live = useLiveLiquidations();
  const n = candles.time.length;
  const from = n > 0 ? candles.time[Math.max(0, n - MAX_BUCKETS)]! : 0;
  const to = n > 0 ? candles.time[n - 1]! + INTERVAL_MS[interval] - 1 : 0;
  const summary = useQuery({
    ...trpc.liquidations.summary.queryOptions({ symbol: symbol ?? '', bucket: interval, from, to }),
    enabled: symbol !== null && n > 0,
    placeholderData: (previous) => previous,
    // Each new candle moves the range: a range the chart moved past is never asked again, so it is
    // not kept (2,000 buckets each; kept for the default 5 min they were most of a live page's heap).
    gcTime: 0,
  });
  // After a resync of the live stream (events lost) the summary is read again.
  const { refetch } = summary;
  const epochSeen = useRef(live.epoch);
  useEffect(() => {
    if (live.epoch === epochSeen.current) return;
    epochSeen.current = live.epoch;
    void refetch();
  }, [live.epoch, refetch]);
  // While a new range loads, the previous answer is shown: so is its read time.
  const readAtSeen = useRef(0);
  if (!summary.isPlaceholderData && summary.dataUpdatedAt > 0) readAtSeen.current = summary.dataUpdatedAt;
  const readAt = readAtSeen.current;
  const buckets = useMemo(
    () => addLive(summary.data?.buckets ?? [], live.rows, symbol, interval, from, readAt),
    [summary.data, live.rows, symbol, interval, from, readAt],
  );
  const markers = useMemo(() => liquidationMarkers(buckets), [buckets]);
  return { summary, buckets, markers };
}
