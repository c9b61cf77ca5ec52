import { describe, expect, it } from 'vitest';
import { formatUsd, liquidationMarkers } from './markers.ts';

const bucket = (bucket: number, longUsd: number, shortUsd: number) => ({
  bucket,
  longUsd,
  shortUsd,
  longCount: longUsd > 0 ? 1 : 0,
  shortCount: shortUsd > 0 ? 2 : 0,
});

describe('liquidation markers', () => {
  it('one marker per side per candle, none for empty sides, in time order', () => {
    const markers = liquidationMarkers([bucket(1000, 50_000, 0), bucket(2000, 0, 0), bucket(3000, 10_000, 20_000)]);
    expect(markers.map((m) => [m.time, m.side, m.usd, m.count])).toEqual([
      [1000, 'long', 50_000, 1],
      [3000, 'long', 10_000, 1],
      [3000, 'short', 20_000, 2],
    ]);
  });

  it('keeps only the largest buckets and sizes them by USD within 1..4', () => {
    const buckets = Array.from({ length: 500 }, (_, i) => bucket(i * 60_000, (i + 1) * 100, 0));
    const markers = liquidationMarkers(buckets, 60);
    expect(markers).toHaveLength(60);
    expect(Math.min(...markers.map((m) => m.usd))).toBe(441 * 100);
    expect(markers.at(-1)!.size).toBe(4);
    expect(markers.every((m) => m.size >= 1 && m.size <= 4)).toBe(true);
  });

  it('formats USD for a label', () => {
    expect([formatUsd(1_234_567), formatUsd(340_100), formatUsd(900), formatUsd(2.5e9)]).toEqual(['$1.2M', '$340k', '$900', '$2.5B']);
  });
});
