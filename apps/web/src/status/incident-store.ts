import { useSyncExternalStore } from 'react';
import { errorCode, retryAfterMs } from '../api-errors.ts';

/** What went wrong lately across all queries, for the banners (fed by the QueryCache's onError). */
export interface Incidents {
  /** Last time an answer said SERVICE_UNAVAILABLE (the database is down), ms. */
  dbUnavailableAt: number | null;
  /** Until when the server asked us to hold off (TOO_MANY_REQUESTS), ms. */
  rateLimitedUntil: number | null;
}

let state: Incidents = { dbUnavailableAt: null, rateLimitedUntil: null };
const listeners = new Set<() => void>();

function set(next: Partial<Incidents>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export function recordFailure(err: unknown, now = Date.now()): void {
  const code = errorCode(err);
  if (code === 'SERVICE_UNAVAILABLE') set({ dbUnavailableAt: now });
  if (code === 'TOO_MANY_REQUESTS') set({ rateLimitedUntil: now + (retryAfterMs(err) ?? 1000) });
}

export function recordDbHealthy(): void {
  if (state.dbUnavailableAt !== null) set({ dbUnavailableAt: null });
}

export function useIncidents(): Incidents {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}
