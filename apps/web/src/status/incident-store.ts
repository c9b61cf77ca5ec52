import { useSyncExternalStore } from 'react';
import { errorCode, isBusy, isDbUnavailable, retryAfterMs } from '../api-errors.ts';

/** What went wrong lately across all queries, for the banners (fed by the QueryCache's onError). */
export interface Incidents {
  /** Last time an answer said SERVICE_UNAVAILABLE (the database is down), ms. */
  dbUnavailableAt: number | null;
  /** Until when the server asked us to hold off (TOO_MANY_REQUESTS), ms. */
  rateLimitedUntil: number | null;
  /** Until when the server is shedding work (admission control: busy, not broken), ms. */
  busyUntil: number | null;
}

/** When a busy answer carries no retryAfterMs (older servers put it in a header the client does not expose): the server's default, 1 s. */
const SHED_RETRY_MS = 1000;

let state: Incidents = { dbUnavailableAt: null, rateLimitedUntil: null, busyUntil: null };
const listeners = new Set<() => void>();

function set(next: Partial<Incidents>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

/** The incidents now, outside React (tests). */
export function peekIncidents(): Incidents {
  return state;
}

/** Test seam: forget every incident. */
export function resetIncidents(): void {
  set({ dbUnavailableAt: null, rateLimitedUntil: null, busyUntil: null });
}

export function recordFailure(err: unknown, now = Date.now()): void {
  const code = errorCode(err);
  if (isBusy(err)) set({ busyUntil: now + (retryAfterMs(err) ?? SHED_RETRY_MS) });
  else if (isDbUnavailable(err)) set({ dbUnavailableAt: now });
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
