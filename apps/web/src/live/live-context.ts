import { createContext, useContext, useSyncExternalStore } from 'react';
import type { LiquidationFeed } from './liquidation-feed.ts';
import { overallStatus, type LiveStatus, type StreamRegistry, type StreamState } from './live-status.ts';

export interface LiveState {
  /** Every open stream reports its state here (the dot reads it). */
  registry: StreamRegistry;
  /** The page's live liquidations (one stream, every symbol). */
  feed: LiquidationFeed;
  paused: boolean;
  setPaused(paused: boolean): void;
}

export const LiveContext = createContext<LiveState | null>(null);

export function useLive(): LiveState {
  const state = useContext(LiveContext);
  if (!state) throw new Error('useLive needs a <LiveProvider> above it');
  return state;
}

/** The page's live status (worst stream wins) and how many streams are open. */
export function useLiveStatus(): { status: LiveStatus; streams: number } {
  const { registry, paused } = useLive();
  const states: ReadonlyMap<string, StreamState> = useSyncExternalStore(registry.subscribe, registry.getSnapshot);
  return { status: overallStatus(states.values(), paused), streams: states.size };
}
