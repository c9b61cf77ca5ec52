import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../trpc.ts';
import { recordDbHealthy, useIncidents } from './incident-store.ts';

const HEALTH_POLL_MS = 5000;

/** Database down or rate limited: said at the top of the screen, never silent. */
export function DegradedBanner() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.queryOptions(), refetchInterval: HEALTH_POLL_MS, staleTime: 0, retry: false });
  const incidents = useIncidents();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => {
    if (health.data?.db.ok) recordDbHealthy();
  }, [health.data]);

  const dbDown = health.data ? !health.data.db.ok : incidents.dbUnavailableAt !== null;
  const limitedFor = incidents.rateLimitedUntil !== null ? incidents.rateLimitedUntil - now : 0;
  const busyFor = incidents.busyUntil !== null ? incidents.busyUntil - now : 0;
  const busy = busyFor > 0;
  return (
    <div className="banners" aria-live="polite">
      {dbDown && (
        <div className="banner banner-error" role="alert" data-testid="db-down-banner">
          <strong>Database unavailable.</strong> Showing cached data; views not in the cache cannot load until it is back.
          {health.data?.db.error ? <span className="muted"> ({health.data.db.error})</span> : null}
        </div>
      )}
      {limitedFor > 0 && (
        <div className="banner banner-warn" role="status" data-testid="rate-limit-banner">
          <strong>Rate limited.</strong> The server asked us to wait; retrying in {Math.ceil(limitedFor / 1000)} s.
        </div>
      )}
      {busy && !dbDown && limitedFor <= 0 && (
        <div className="banner banner-warn" role="status" data-testid="busy-banner">
          <strong>Server busy.</strong> It is shedding load; retrying in {Math.ceil(busyFor / 1000)} s.
        </div>
      )}
      {health.isError && !dbDown && (
        <div className="banner banner-error" role="alert">
          <strong>Server unreachable.</strong> Retrying every {HEALTH_POLL_MS / 1000} s.
        </div>
      )}
    </div>
  );
}
