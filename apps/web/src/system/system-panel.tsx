import { useQuery } from '@tanstack/react-query';
import { describeFailure } from '../api-errors.ts';
import { useTRPC } from '../trpc.ts';
import { LatencyChart } from './latency-chart.tsx';
import { SYSTEM_POLL_MS, useMetrics } from './use-metrics.ts';

const pct = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)} %`);
const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`);

function Fetched({ at, from }: { at: number; from: string }) {
  return (
    <span className="source">
      {from} · live, not cached · {at ? new Date(at).toISOString().slice(11, 19) : '—'} UTC
    </span>
  );
}

/** Cache, Valkey nodes, DB and engine pools, and latency per procedure, each saying where it came from. */
export function SystemPanel() {
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.cache.stats.queryOptions(), refetchInterval: SYSTEM_POLL_MS, staleTime: 0 });
  const health = useQuery({ ...trpc.health.queryOptions(), refetchInterval: SYSTEM_POLL_MS, staleTime: 0, retry: false });
  const { metrics, latencies, history, hitRatio } = useMetrics();
  const s = stats.data;
  const h = health.data;
  const lookups = s ? s.hits + s.misses + s.stale + s.bypass : 0;
  const busiest = [...latencies]
    .sort((a, b) => b.p95 - a.p95)
    .slice(0, 3)
    .map((l) => l.procedure);
  const nodeKeys = new Map((s?.nodes ?? []).map((n) => [n.address, n]));

  return (
    <aside className="system panel" aria-label="System">
      <h2>System</h2>
      <section aria-label="Cache">
        <h3>Cache</h3>
        {stats.error ? (
          <p className="error">{describeFailure(stats.error)}</p>
        ) : (
          <dl className="kv" data-testid="cache-stats">
            <dt>hit rate (this process)</dt>
            <dd>{lookups ? pct((s!.hits + s!.stale) / lookups) : '—'}</dd>
            <dt>hit rate (API, since start)</dt>
            <dd>{pct(hitRatio)}</dd>
            <dt>breaker</dt>
            <dd className={s?.breaker === 'closed' ? 'ok' : 'bad'} data-testid="breaker">
              {s?.breaker ?? '—'}
            </dd>
            <dt>Valkey p50 / p99</dt>
            <dd>
              {ms(s?.latencyMs.p50)} / {ms(s?.latencyMs.p99)}
            </dd>
          </dl>
        )}
        <Fetched at={stats.dataUpdatedAt} from="cache.stats" />
      </section>
      <section aria-label="Valkey nodes">
        <h3>Valkey nodes</h3>
        <table className="mini">
          <thead>
            <tr>
              <th scope="col">node</th>
              <th scope="col">role</th>
              <th scope="col">state</th>
              <th scope="col" className="num">
                keys
              </th>
            </tr>
          </thead>
          <tbody data-testid="valkey-nodes">
            {(h?.cache.nodes ?? []).map((n) => (
              <tr key={n.address}>
                <td>{n.address}</td>
                <td>{n.role}</td>
                <td className={n.ok ? 'ok' : 'bad'}>{n.ok ? `ok ${ms(n.latencyMs)}` : 'down'}</td>
                <td className="num">{nodeKeys.get(n.address)?.keys ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Fetched at={health.dataUpdatedAt} from="health" />
      </section>
      <section aria-label="Pools">
        <h3>Pools</h3>
        {health.error ? (
          <p className="error">{describeFailure(health.error)}</p>
        ) : (
          <dl className="kv">
            <dt>database</dt>
            <dd className={h?.db.ok ? 'ok' : 'bad'} data-testid="db-state">
              {h ? (h.db.ok ? `ok ${ms(h.db.latencyMs)}` : 'down') : '—'}
            </dd>
            <dt>DB connections</dt>
            <dd>{h ? `${h.db.pool.inUse} in use · ${h.db.pool.idle} idle · ${h.db.pool.queued} queued` : '—'}</dd>
            <dt>engine</dt>
            <dd>{h ? `${h.engine.threads} threads · ${h.engine.queueSize} queued · ${pct(h.engine.utilization)} busy` : '—'}</dd>
          </dl>
        )}
      </section>
      <section aria-label="Latency per procedure">
        <h3>Latency per procedure</h3>
        <table className="mini" data-testid="latency-table">
          <thead>
            <tr>
              <th scope="col">procedure</th>
              <th scope="col" className="num">
                p50
              </th>
              <th scope="col" className="num">
                p95
              </th>
              <th scope="col" className="num">
                p99
              </th>
            </tr>
          </thead>
          <tbody>
            {latencies.map((l) => (
              <tr key={l.procedure}>
                <td>{l.procedure}</td>
                <td className="num">{ms(l.p50)}</td>
                <td className="num">{ms(l.p95)}</td>
                <td className="num">{ms(l.p99)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LatencyChart history={history} procedures={busiest} />
        {metrics.error ? (
          <p className="error">{String(metrics.error)}</p>
        ) : (
          <Fetched at={metrics.dataUpdatedAt} from="/metrics (5 min window)" />
        )}
      </section>
    </aside>
  );
}
