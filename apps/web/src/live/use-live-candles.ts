import { useQuery } from '@tanstack/react-query';
import type { Interval } from '@wick/market';
import { useTRPC } from '../trpc.ts';
import { LIVE_META, useLive } from './live-provider.tsx';

/** Enough to move the open candle and append the one that just opened. */
export const LIVE_CANDLES = 3;

/** The newest candles of a series, refreshed by the live clock (candles.live will push them). */
export function useLiveCandles(symbol: string | null, interval: Interval) {
  const trpc = useTRPC();
  const { paused } = useLive();
  return useQuery({
    ...trpc.candles.range.queryOptions({ symbol: symbol ?? '', interval, limit: LIVE_CANDLES }, { meta: LIVE_META }),
    enabled: symbol !== null && !paused,
    staleTime: Infinity, // refreshed by the live clock only
  });
}
