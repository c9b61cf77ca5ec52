import { useQuery } from '@tanstack/react-query';
import type { Interval } from '@wick/market';
import type { IndicatorChoice } from '../layout/layout.ts';
import { useTRPC } from '../trpc.ts';
import { LIVE_META, useLive } from './live-provider.tsx';
import { LIVE_CANDLES } from './use-live-candles.ts';

/**
 * The newest values of every indicator on screen, in one batch per tick. Exact, not estimated:
 * the server warms each indicator up on history before the window (indicators.live will push).
 */
export function useLiveIndicators(symbol: string | null, interval: Interval, choices: readonly IndicatorChoice[]) {
  const trpc = useTRPC();
  const { paused } = useLive();
  const items = choices.map((c) => ({ symbol: symbol ?? '', interval, indicator: c.name, params: c.params, limit: LIVE_CANDLES }));
  return useQuery({
    ...trpc.indicators.batch.queryOptions({ items }, { meta: LIVE_META }),
    enabled: symbol !== null && items.length > 0 && !paused,
    staleTime: Infinity,
  });
}
