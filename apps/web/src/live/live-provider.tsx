import { useMemo, useState, type ReactNode } from 'react';
import { LiveContext, type LiveState } from './live-context.ts';
import { LiquidationFeed } from './liquidation-feed.ts';
import { StreamRegistry } from './live-status.ts';
import { LiquidationStream } from './use-live-liquidations.ts';

/**
 * Everything live on the page arrives by tRPC subscriptions (Server-Sent Events): candles.live and
 * one indicators.liveMany per series (opened by the chart's hooks), and one liquidations.live for the
 * table and the markers, opened here. Pausing closes every stream; resuming opens them again.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [registry] = useState(() => new StreamRegistry());
  const [feed] = useState(() => new LiquidationFeed());
  const [paused, setPaused] = useState(false);
  const value = useMemo<LiveState>(() => ({ registry, feed, paused, setPaused }), [registry, feed, paused]);
  return (
    <LiveContext.Provider value={value}>
      <LiquidationStream />
      {children}
    </LiveContext.Provider>
  );
}
