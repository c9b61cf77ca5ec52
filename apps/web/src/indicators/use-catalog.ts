import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../trpc.ts';

/** indicators.catalog, indexed by name. It never changes while the server runs. */
export function useCatalog() {
  const trpc = useTRPC();
  const catalog = useQuery({ ...trpc.indicators.catalog.queryOptions(), staleTime: Infinity });
  const byName = useMemo(() => new Map((catalog.data?.indicators ?? []).map((d) => [d.name, d])), [catalog.data]);
  return { ...catalog, byName };
}

export type CatalogEntry = NonNullable<ReturnType<typeof useCatalog>['data']>['indicators'][number];
