import type { LatencyPoint } from './use-metrics.ts';

const W = 280;
const H = 64;

/** p95 per procedure over the last minutes: one small SVG line per busy procedure. */
export function LatencyChart({ history, procedures }: { history: readonly LatencyPoint[]; procedures: readonly string[] }) {
  if (history.length < 2) return <p className="muted">Collecting latency history…</p>;
  const max = Math.max(1, ...history.flatMap((p) => procedures.map((n) => p.byProcedure[n]?.p95 ?? 0)));
  const x = (i: number) => (i / (history.length - 1)) * W;
  const y = (ms: number) => H - (ms / max) * (H - 4) - 2;
  const colors = ['#38bdf8', '#f5a524', '#c084fc', '#34d399', '#f472b6'];
  return (
    <figure className="latency-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        height={H}
        role="img"
        aria-label={`p95 latency, last ${history.length} samples, max ${max.toFixed(1)} ms`}
      >
        {procedures.map((name, k) => (
          <polyline
            key={name}
            fill="none"
            stroke={colors[k % colors.length]}
            strokeWidth="1.5"
            points={history.map((p, i) => `${x(i).toFixed(1)},${y(p.byProcedure[name]?.p95 ?? 0).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption>
        p95 over the last {Math.round((history.at(-1)!.at - history[0]!.at) / 60_000) || '<1'} min (max {max.toFixed(1)} ms):{' '}
        {procedures.map((name, k) => (
          <span key={name} style={{ color: colors[k % colors.length] }}>
            {name}{' '}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
