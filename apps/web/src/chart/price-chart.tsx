import { useEffect, useRef } from 'react';
import type { Theme } from '../layout/layout.ts';
import type { LiquidationMarker, SummaryBucket } from '../liquidations/markers.ts';
import type { Candles } from './candles.ts';
import { ChartAdapter, type DrawnIndicator } from './chart-adapter.ts';

interface Props {
  candles: Candles;
  indicators: readonly DrawnIndicator[];
  buckets: readonly SummaryBucket[];
  markers: readonly LiquidationMarker[];
  theme: Theme;
  onNeedHistory: () => void;
}

/**
 * A User Timing mark once the frame holding the change has been painted (the benchmark reads
 * them: navigation start → first candles, → N indicators drawn). Each name is marked once.
 */
function markPainted(name: string) {
  if (performance.getEntriesByName(name, 'mark').length > 0) return;
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(name)));
}

/** The chart itself: React hands data to the adapter, the adapter draws it. */
export function PriceChart({ candles, indicators, buckets, markers, theme, onNeedHistory }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const adapter = useRef<ChartAdapter | null>(null);

  // One chart per mount, created with the first theme; later themes are applied below.
  const firstTheme = useRef(theme);
  useEffect(() => {
    const chart = new ChartAdapter(container.current!, firstTheme.current);
    adapter.current = chart;
    return () => {
      chart.destroy();
      adapter.current = null;
    };
  }, []);

  useEffect(() => adapter.current?.setTheme(theme), [theme]);
  useEffect(() => adapter.current?.onNeedHistory(onNeedHistory), [onNeedHistory]);
  useEffect(() => {
    adapter.current?.setCandles(candles);
    if (candles.time.length > 0) markPainted('wick:first-candles');
  }, [candles]);
  useEffect(() => {
    adapter.current?.setIndicators(indicators);
    if (container.current) container.current.dataset.panes = String(adapter.current?.paneCount() ?? 0);
    if (indicators.length > 0) markPainted(`wick:indicators-drawn:${indicators.length}`);
  }, [indicators]);
  useEffect(() => adapter.current?.setLiquidations(buckets, markers), [buckets, markers]);

  return <div ref={container} className="chart" data-testid="chart" data-candles={candles.time.length} />;
}
