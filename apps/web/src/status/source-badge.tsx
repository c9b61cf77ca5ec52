/** Where an answer came from, as every Wick answer reports it: cache hit/miss/stale/bypass and age. */
export function SourceBadge({ cache, label }: { cache: { status: string; ageMs: number } | undefined; label?: string }) {
  if (!cache) return null;
  const age = cache.ageMs < 1000 ? `${Math.round(cache.ageMs)} ms` : `${(cache.ageMs / 1000).toFixed(1)} s`;
  return (
    <span className={`badge badge-${cache.status}`} title={`${label ?? 'answer'}: cache ${cache.status}, ${age} old`}>
      {label ? `${label} ` : ''}
      {cache.status} · {age}
    </span>
  );
}
