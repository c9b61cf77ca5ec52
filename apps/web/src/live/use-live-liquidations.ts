import { useQuery } from '@tanstack/react-query';
import type { LiquidationFilters } from '../liquidations/filters.ts';
import { useTRPC } from '../trpc.ts';
import { LIVE_META, useLive } from './live-provider.tsx';

export const LIVE_HEAD = 50;

/** The newest rows for the table's filters (liquidations.live will push them). */
export function useLiveLiquidations(filters: LiquidationFilters, enabled: boolean) {
  const trpc = useTRPC();
  const { paused } = useLive();
  return useQuery({
    ...trpc.liquidations.list.queryOptions({ ...filters, limit: LIVE_HEAD }, { meta: LIVE_META }),
    enabled: enabled && !paused,
    staleTime: Infinity,
  });
}
