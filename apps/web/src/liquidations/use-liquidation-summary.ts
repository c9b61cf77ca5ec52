import { useQuery } from '@tanstack/react-query';
import { INTERVAL_MS, type Interval } from '@wick/market';
import { useMemo } from 'react';
import type { Candles } from '../chart/candles.ts';
import { LIVE_META } from '../live/index.ts';
import { useTRPC } from '../trpc.ts';
import { liquidationMarkers } from './markers.ts';

/** liquidations.summary answers at most this many buckets. */
const MAX_BUCKETS = 2000;

/**
 * Long vs short liquidation USD per candle of the chart (bucket = the chart's interval, so bars
 * and markers line up with candles), over the newest loaded candles.
 */
export function useLiquidationSummary(symbol: string | null, interval: Interval, candles: Candles) {
  const trpc = useTRPC();
  const n = candles.time.length;
  const from = n > 0 ? candles.time[Math.max(0, n - MAX_BUCKETS)]! : 0;
  const to = n > 0 ? candles.time[n - 1]! + INTERVAL_MS[interval] - 1 : 0;
  const summary = useQuery({
    ...trpc.liquidations.summary.queryOptions({ symbol: symbol ?? '', bucket: interval, from, to }, { meta: LIVE_META }),
    enabled: symbol !== null && n > 0,
    placeholderData: (previous) => previous,
  });
  const buckets = useMemo(() => summary.data?.buckets ?? [], [summary.data]);
  const markers = useMemo(() => liquidationMarkers(buckets), [buckets]);
  return { summary, buckets, markers };
}
