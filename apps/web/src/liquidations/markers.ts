/** A summary bucket as liquidations.summary returns it (SELL orders liquidate longs, BUY orders shorts). */
export interface SummaryBucket {
  bucket: number;
  longUsd: number;
  shortUsd: number;
  longCount: number;
  shortCount: number;
}

export interface LiquidationMarker {
  /** Bucket open time, ms (the candle it sits on). */
  time: number;
  side: 'long' | 'short';
  usd: number;
  count: number;
  /** Marker size, 1 (smallest) to 4, by USD relative to the largest in view. */
  size: number;
}

/** Most markers drawn at once: beyond this the chart stops being readable. */
export const MAX_MARKERS = 24;

/**
 * One marker per side per candle, only for the buckets that matter: the largest `MAX_MARKERS`
 * by USD (ties to the newer). Sizes scale with the square root of USD, as area would.
 */
export function liquidationMarkers(buckets: readonly SummaryBucket[], limit = MAX_MARKERS): LiquidationMarker[] {
  const all: LiquidationMarker[] = [];
  for (const b of buckets) {
    if (b.longUsd > 0) all.push({ time: b.bucket, side: 'long', usd: b.longUsd, count: b.longCount, size: 1 });
    if (b.shortUsd > 0) all.push({ time: b.bucket, side: 'short', usd: b.shortUsd, count: b.shortCount, size: 1 });
  }
  const kept = all.sort((a, b) => b.usd - a.usd || b.time - a.time).slice(0, limit);
  const top = kept[0]?.usd ?? 0;
  for (const m of kept) m.size = top > 0 ? Math.min(4, Math.max(1, Math.round(1 + 3 * Math.sqrt(m.usd / top)))) : 1;
  return kept.sort((a, b) => a.time - b.time || (a.side === 'long' ? -1 : 1));
}

/** $1.2M, $340k, $900 */
export function formatUsd(usd: number): string {
  const abs = Math.abs(usd);
  if (abs >= 1e9) return `$${(usd / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `$${(usd / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `$${(usd / 1e3).toFixed(0)}k`;
  return `$${usd.toFixed(0)}`;
}
