import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { parsePrometheus, procedureLatencies, sampleValue, type ProcedureLatency } from './prometheus.ts';

export const SYSTEM_POLL_MS = 5000;
/** Latency history kept for the small chart: the last 10 minutes at one point per poll. */
const HISTORY_POINTS = (10 * 60_000) / SYSTEM_POLL_MS;

export interface LatencyPoint {
  at: number;
  byProcedure: Record<string, ProcedureLatency>;
}

/**
 * /metrics, read as Prometheus text. It is the one plain fetch of the screen besides the export
 * links: the per-procedure quantiles exist nowhere else (no tRPC procedure serves them).
 */
export function useMetrics() {
  const metrics = useQuery({
    queryKey: ['wick', 'metrics'],
    queryFn: async ({ signal }) => {
      const res = await fetch('/metrics', { signal });
      if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
      return parsePrometheus(await res.text());
    },
    refetchInterval: SYSTEM_POLL_MS,
    staleTime: 0,
  });
  const [history, setHistory] = useState<LatencyPoint[]>([]);
  const lastSeen = useRef(0);
  useEffect(() => {
    if (!metrics.data || metrics.dataUpdatedAt === lastSeen.current) return;
    lastSeen.current = metrics.dataUpdatedAt;
    const byProcedure = Object.fromEntries(procedureLatencies(metrics.data).map((p) => [p.procedure, p]));
    setHistory((h) => [...h, { at: metrics.dataUpdatedAt, byProcedure }].slice(-HISTORY_POINTS));
  }, [metrics.data, metrics.dataUpdatedAt]);

  const samples = metrics.data ?? [];
  return {
    metrics,
    latencies: procedureLatencies(samples),
    history,
    hitRatio: sampleValue(samples, 'wick_cache_hit_ratio'),
  };
}
