import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/** How often the screen asks for news while the server has no push (candles.live & co.). */
export const LIVE_POLL_MS = 2000;
/** Queries that follow the market carry this meta; one clock refetches them together. */
export const LIVE_META = { live: true } as const;

export type LiveStatus = 'live' | 'reconnecting' | 'paused';

interface LiveState {
  status: LiveStatus;
  /** How live data arrives today: polling; 'push' once the live procedures exist. */
  transport: 'polling' | 'push';
  paused: boolean;
  setPaused(paused: boolean): void;
  /** Wall time of the last successful live refresh (ms). */
  lastUpdate: number | null;
}

const LiveContext = createContext<LiveState | null>(null);

/**
 * The live clock: every LIVE_POLL_MS it refetches every live query in the same tick, so the
 * batch link sends them as one HTTP request. This is the only place that knows live data is
 * polled; when the server pushes (SSE subscriptions), the live hooks in this folder switch to
 * useSubscription and this clock stops.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [paused, setPaused] = useState(false);
  const [failing, setFailing] = useState(false);
  const [lastUpdate, setLastUpdate] = useState<number | null>(null);

  useEffect(() => {
    if (paused) return;
    let running = false;
    const timer = window.setInterval(() => {
      if (running || document.hidden) return;
      running = true;
      const live = { predicate: (q: { meta?: Record<string, unknown> }) => q.meta?.live === true, type: 'active' as const };
      queryClient
        .refetchQueries(live)
        .then(() => {
          const failed = queryClient
            .getQueryCache()
            .findAll(live)
            .some((q) => q.state.status === 'error' || q.state.fetchFailureCount > 0);
          setFailing(failed);
          if (!failed) setLastUpdate(Date.now());
        })
        .finally(() => (running = false));
    }, LIVE_POLL_MS);
    return () => window.clearInterval(timer);
  }, [paused, queryClient]);

  const value = useMemo<LiveState>(
    () => ({ status: paused ? 'paused' : failing ? 'reconnecting' : 'live', transport: 'polling', paused, setPaused, lastUpdate }),
    [paused, failing, lastUpdate],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  const state = useContext(LiveContext);
  if (!state) throw new Error('useLive needs a <LiveProvider> above it');
  return state;
}
