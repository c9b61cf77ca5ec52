import type { Interval } from '@wick/market';
import { useMemo } from 'react';
import { describeFailure } from '../api-errors.ts';
import { formatValue } from '../indicators/indicator-label.ts';
import { IndicatorPanel } from '../indicators/indicator-panel.tsx';
import { PALETTE, presentationOf } from '../indicators/presentation.ts';
import { useCatalog } from '../indicators/use-catalog.ts';
import { useIndicatorData } from '../indicators/use-indicator-data.ts';
import type { IndicatorChoice, Theme } from '../layout/layout.ts';
import { useLiquidationSummary } from '../liquidations/use-liquidation-summary.ts';
import { SourceBadge } from '../status/source-badge.tsx';
import type { DrawnIndicator } from './chart-adapter.ts';
import { PriceChart } from './price-chart.tsx';
import { MAX_LOADED, PAGE_CANDLES, useCandleHistory } from './use-candle-history.ts';
import { isCandleOpen } from '@wick/market';

interface Props {
  symbol: string | null;
  interval: Interval;
  indicators: IndicatorChoice[];
  theme: Theme;
  onIndicators: (choices: IndicatorChoice[]) => void;
}

/** Candles, volume, liquidations and indicators of one series, with their legends and sources. */
export function ChartSection({ symbol, interval, indicators, theme, onIndicators }: Props) {
  const history = useCandleHistory(symbol, interval);
  const { candles } = history;
  const limit = Math.min(MAX_LOADED, PAGE_CANDLES * history.pagesLoaded);
  const states = useIndicatorData(symbol, interval, indicators, limit);
  const { summary, buckets, markers } = useLiquidationSummary(symbol, interval, candles);
  const catalog = useCatalog();

  const colors = useMemo(
    () => new Map(indicators.map((c, i) => [states[i]?.key ?? '', PALETTE[i % PALETTE.length]!])),
    [indicators, states],
  );
  const drawn = useMemo(
    (): DrawnIndicator[] =>
      states.flatMap((s) => {
        // Where and how to draw it is the catalog's word: an indicator waits for it.
        const entry = catalog.byName.get(s.choice.name);
        return s.series && entry ? [{ key: s.key, color: colors.get(s.key)!, series: s.series, presentation: presentationOf(entry) }] : [];
      }),
    [states, colors, catalog.byName],
  );

  const last = candles.time.length - 1;
  const open = last >= 0 && isCandleOpen(interval, candles.time[last]!);
  const totals = summary.data?.totals;
  return (
    <section className="chart-section panel" aria-label="Chart">
      <div className="legend" data-testid="legend">
        <strong>
          {symbol ?? '…'} · {interval}
        </strong>
        {last >= 0 && (
          <span data-testid="last-candle" data-time={candles.time[last]}>
            O {formatValue(candles.open[last])} H {formatValue(candles.high[last])} L {formatValue(candles.low[last])} C{' '}
            <span data-testid="last-close">{formatValue(candles.close[last])}</span> V {formatValue(candles.volume[last])}
            {open && <span className="open-tag"> open</span>}
          </span>
        )}
        <SourceBadge cache={history.head?.cache} label="candles" />
        <SourceBadge cache={summary.data?.cache} label="liquidations" />
        {totals && (
          <span className="muted">
            liq. longs {formatValue(totals.longUsd / 1e6)}M · shorts {formatValue(totals.shortUsd / 1e6)}M
          </span>
        )}
        {history.loadingMore && <span className="muted">loading history…</span>}
        {!history.hasMore && history.pagesLoaded > 1 && <span className="muted">start of history</span>}
      </div>
      {history.error && (
        <p className="error section-error" role="alert" data-testid="candles-error">
          Candles: {describeFailure(history.error)}
        </p>
      )}
      {summary.error && (
        <p className="error section-error" role="alert">
          Liquidation summary: {describeFailure(summary.error)}
        </p>
      )}
      <PriceChart candles={candles} indicators={drawn} buckets={buckets} markers={markers} theme={theme} onNeedHistory={history.loadMore} />
      <IndicatorPanel states={states} colors={colors} onChange={onIndicators} />
    </section>
  );
}
