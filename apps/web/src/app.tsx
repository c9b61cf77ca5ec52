import { useCallback } from 'react';
import { ChartSection } from './chart/chart-section.tsx';
import { IntervalPicker } from './chart/interval-picker.tsx';
import { SymbolPicker } from './chart/symbol-picker.tsx';
import type { IndicatorChoice } from './layout/layout.ts';
import { useLayout } from './layout/use-layout.ts';
import { LiquidationsSection } from './liquidations/liquidations-section.tsx';
import { DegradedBanner } from './status/degraded-banner.tsx';
import { LiveDot } from './status/live-dot.tsx';
import { SystemPanel } from './system/system-panel.tsx';
import { ThemeToggle } from './theme/theme-toggle.tsx';

export function App() {
  const [layout, update] = useLayout();
  const setSymbol = useCallback((symbol: string) => update((l) => ({ ...l, symbol })), [update]);
  const setIndicators = useCallback((indicators: IndicatorChoice[]) => update((l) => ({ ...l, indicators })), [update]);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Wick</h1>
        <SymbolPicker value={layout.symbol} onChange={setSymbol} />
        <IntervalPicker value={layout.interval} onChange={(interval) => update((l) => ({ ...l, interval }))} />
        <div className="spacer" />
        <LiveDot />
        <ThemeToggle value={layout.theme} onChange={(theme) => update((l) => ({ ...l, theme }))} />
      </header>
      <DegradedBanner />
      <main className="grid">
        <ChartSection
          symbol={layout.symbol}
          interval={layout.interval}
          indicators={layout.indicators}
          theme={layout.theme}
          onIndicators={setIndicators}
        />
        <SystemPanel />
        <LiquidationsSection symbol={layout.symbol} />
      </main>
      <footer className="footer">
        Charts by{' '}
        <a href="https://www.tradingview.com/" target="_blank" rel="noreferrer">
          TradingView Lightweight Charts™
        </a>{' '}
        (Apache-2.0) · Wick
      </footer>
    </div>
  );
}
