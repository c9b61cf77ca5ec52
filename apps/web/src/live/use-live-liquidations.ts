import type { LiquidationLiveEvent } from '@wick/client';
import { useMemo, useSyncExternalStore } from 'react';
import { useTRPCClient } from '../trpc.ts';
import { useLive } from './live-context.ts';
import type { FeedSnapshot } from './liquidation-feed.ts';
import { useLiveStreams, type StreamSpec } from './use-live-streams.ts';

type Tracked = { id: string; data: LiquidationLiveEvent };

/**
 * The page's one liquidations.live stream, for every symbol: the table filters it by its own
 * filters, the chart by its symbol, so neither switching symbol nor changing a filter reopens it.
 */
export function LiquidationStream(): null {
  const client = useTRPCClient();
  const { feed } = useLive();
  const specs = useMemo(
    (): StreamSpec<Tracked>[] => [
      {
        key: 'all',
        open: (observer) => client.liquidations.live.subscribe({}, observer),
        // The stream's first event is its position, so a cut resumes from it; one cut before even
        // that has no position, and what came meanwhile is not coming: reload instead.
        onGap: () => feed.resync([]),
      },
    ],
    [client, feed],
  );
  useLiveStreams('liquidations', specs, (_key, { data: event }) => {
    if (event.type === 'liquidation') feed.add([event.liquidation]);
    else if (event.type === 'resync') feed.resync(event.latest);
    // 'position': nothing to show, only an id to resume from (the link keeps it).
  });
  return null;
}

/** The live liquidations so far (newest first) and the resync epoch. */
export function useLiveLiquidations(): FeedSnapshot {
  const { feed } = useLive();
  return useSyncExternalStore(feed.subscribe, feed.getSnapshot);
}
