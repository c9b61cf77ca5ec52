import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type LogicalRange,
  type SeriesType,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { Theme } from '../layout/layout.ts';
import { formatUsd, type LiquidationMarker, type SummaryBucket } from '../liquidations/markers.ts';
import type { Presentation } from '../indicators/presentation.ts';
import type { Candles, IndicatorSeries } from './candles.ts';
import { diffTimes } from './bar-diff.ts';
import { THEMES } from './chart-theme.ts';

/** An indicator as the chart draws it. */
export interface DrawnIndicator {
  key: string;
  presentation: Presentation;
  color: string;
  series: IndicatorSeries;
}

const PRICE_PANE = 0;
const VOLUME_PANE = 1;
const LIQUIDATION_PANE = 2;
/** Scroll this close to the oldest loaded bar and the chart asks for more history. */
const HISTORY_MARGIN_BARS = 20;

const sec = (ms: number) => (ms / 1000) as UTCTimestamp;

interface Drawn {
  presentation: Presentation;
  color: string;
  lines: Map<string, ISeriesApi<SeriesType>>;
  priceLines: IPriceLine[];
  time: number[];
}

/**
 * The one imperative seam between React and lightweight-charts: it owns the chart, its panes and
 * series, and turns "here is the data now" into setData (a new series or a new window) or
 * update() (the same window with its newest bars moved or appended, i.e. a live tick).
 */
export class ChartAdapter {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly volume: ISeriesApi<'Histogram'>;
  private readonly longs: ISeriesApi<'Histogram'>;
  private readonly shorts: ISeriesApi<'Histogram'>;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private readonly indicators = new Map<string, Drawn>();
  private shownTimes: number[] = [];
  private theme: Theme;
  private onHistory: (() => void) | null = null;

  constructor(container: HTMLElement, theme: Theme) {
    this.theme = theme;
    const t = THEMES[theme];
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { color: t.background },
        textColor: t.text,
        fontFamily: 'ui-sans-serif, system-ui, "DejaVu Sans", sans-serif',
        // Attribution is in the page footer (Apache-2.0 NOTICE of lightweight-charts).
        attributionLogo: false,
        panes: { separatorColor: t.grid, enableResize: true },
      },
      grid: { vertLines: { color: t.grid }, horzLines: { color: t.grid } },
      timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 4, borderColor: t.grid },
      rightPriceScale: { borderColor: t.grid },
      crosshair: { mode: 0 },
    });
    this.candles = this.chart.addSeries(
      CandlestickSeries,
      { upColor: t.up, downColor: t.down, wickUpColor: t.up, wickDownColor: t.down, borderVisible: false },
      PRICE_PANE,
    );
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, title: 'Volume' }, VOLUME_PANE);
    this.longs = this.chart.addSeries(
      HistogramSeries,
      { color: t.down, priceFormat: { type: 'volume' }, title: 'Longs liq. $' },
      LIQUIDATION_PANE,
    );
    this.shorts = this.chart.addSeries(
      HistogramSeries,
      { color: t.up, priceFormat: { type: 'volume' }, title: 'Shorts liq. $' },
      LIQUIDATION_PANE,
    );
    this.markers = createSeriesMarkers(this.candles, []);
    const panes = this.chart.panes();
    panes[PRICE_PANE]?.setStretchFactor(3);
    panes[VOLUME_PANE]?.setStretchFactor(0.7);
    panes[LIQUIDATION_PANE]?.setStretchFactor(0.7);
    this.chart.timeScale().subscribeVisibleLogicalRangeChange(this.watchLeftEdge);
  }

  private readonly watchLeftEdge = (range: LogicalRange | null) => {
    if (range && range.from < HISTORY_MARGIN_BARS && this.shownTimes.length > 0) this.onHistory?.();
  };

  /** Called when the user scrolls near the oldest loaded candle. */
  onNeedHistory(handler: (() => void) | null): void {
    this.onHistory = handler;
  }

  setTheme(theme: Theme): void {
    if (theme === this.theme) return;
    this.theme = theme;
    const t = THEMES[theme];
    this.chart.applyOptions({
      layout: { background: { color: t.background }, textColor: t.text, panes: { separatorColor: t.grid } },
      grid: { vertLines: { color: t.grid }, horzLines: { color: t.grid } },
    });
    this.candles.applyOptions({ upColor: t.up, downColor: t.down, wickUpColor: t.up, wickDownColor: t.down });
    this.longs.applyOptions({ color: t.down });
    this.shorts.applyOptions({ color: t.up });
    this.setCandles(this.lastCandles, true);
  }

  private lastCandles: Candles = { time: [], open: [], high: [], low: [], close: [], volume: [] };

  /** Candles and volume; history prepended keeps the view where the user was. */
  setCandles(c: Candles, force = false): void {
    const t = THEMES[this.theme];
    const change = force ? ({ kind: 'reset' } as const) : diffTimes(this.shownTimes, c.time);
    this.lastCandles = c;
    const bar = (i: number) => ({ time: sec(c.time[i]!), open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]! });
    const vol = (i: number) => ({
      time: sec(c.time[i]!),
      value: c.volume[i]!,
      color: c.close[i]! >= c.open[i]! ? t.upVolume : t.downVolume,
    });
    if (change.kind === 'tail') {
      for (let i = change.from; i < c.time.length; i++) {
        this.candles.update(bar(i));
        this.volume.update(vol(i));
      }
    } else {
      const range = this.chart.timeScale().getVisibleLogicalRange();
      this.candles.setData(c.time.map((_, i) => bar(i)));
      this.volume.setData(c.time.map((_, i) => vol(i)));
      if (change.kind === 'prepend' && range) {
        this.chart.timeScale().setVisibleLogicalRange({ from: range.from + change.count, to: range.to + change.count });
      }
    }
    this.shownTimes = c.time.slice();
  }

  /** Indicators: new ones get their series (and a pane for oscillators), gone ones are removed. */
  setIndicators(list: readonly DrawnIndicator[]): void {
    const wanted = new Set(list.map((d) => d.key));
    for (const [key, drawn] of this.indicators) {
      if (wanted.has(key)) continue;
      for (const s of drawn.lines.values()) this.chart.removeSeries(s);
      this.indicators.delete(key);
    }
    for (const d of list) {
      let drawn = this.indicators.get(d.key);
      if (!drawn || drawn.color !== d.color) {
        if (drawn) for (const s of drawn.lines.values()) this.chart.removeSeries(s);
        drawn = this.addIndicator(d);
        this.indicators.set(d.key, drawn);
      }
      this.fillIndicator(drawn, d.series);
    }
  }

  /**
   * One series per output, where the catalog places it: overlay outputs on the price pane, the
   * others in one pane of the indicator's own (BBANDS' percentB and bandwidth, MACD, RSI…).
   */
  private addIndicator(d: DrawnIndicator): Drawn {
    const lines = new Map<string, ISeriesApi<SeriesType>>();
    const t = THEMES[this.theme];
    let ownPane: number | null = null;
    let shade = 0;
    for (const [name, { style, placement }] of Object.entries(d.presentation.draw)) {
      const pane = placement === 'overlay' ? PRICE_PANE : (ownPane ??= this.chart.panes().length);
      const color = shade === 0 ? d.color : fade(d.color, shade);
      shade += 1;
      const common = { priceLineVisible: false, lastValueVisible: style !== 'histogram', title: name === 'value' ? '' : name };
      const s =
        style === 'histogram'
          ? this.chart.addSeries(HistogramSeries, { ...common, color: t.upVolume }, pane)
          : this.chart.addSeries(
              LineSeries,
              style === 'dots'
                ? { ...common, color, lineVisible: false, pointMarkersVisible: true, pointMarkersRadius: 1.5 }
                : // A band's edges are drawn thin (lightweight-charts has no band fill of its own).
                  { ...common, color, lineWidth: style === 'band' || name === 'middle' || name === 'signal' ? 1 : 2 },
              pane,
            );
      lines.set(name, s);
    }
    // Guide lines go on the indicator's own pane.
    const guide = [...lines].find(([name]) => d.presentation.draw[name]?.placement === 'pane')?.[1];
    const priceLines = guide
      ? d.presentation.levels.map((price) =>
          guide.createPriceLine({ price, color: t.text, lineStyle: LineStyle.Dotted, lineWidth: 1, axisLabelVisible: false, title: '' }),
        )
      : [];
    if (ownPane !== null) this.chart.panes()[ownPane]?.setStretchFactor(1);
    return { presentation: d.presentation, color: d.color, lines, priceLines, time: [] };
  }

  private fillIndicator(drawn: Drawn, s: IndicatorSeries): void {
    const t = THEMES[this.theme];
    const change = diffTimes(drawn.time, s.time);
    const direction = s.values.direction;
    for (const [name, series] of drawn.lines) {
      const values = s.values[name] ?? [];
      const point = (i: number) => {
        const v = values[i];
        const time = sec(s.time[i]!);
        if (v === null || v === undefined) return { time };
        if (drawn.presentation.draw[name]?.style === 'histogram') return { time, value: v, color: v >= 0 ? t.upVolume : t.downVolume };
        // Supertrend: its line takes the trend's colour.
        if (direction && name === 'value') return { time, value: v, color: (direction[i] ?? 0) >= 0 ? t.up : t.down };
        return { time, value: v };
      };
      if (change.kind === 'tail') for (let i = change.from; i < s.time.length; i++) series.update(point(i));
      else series.setData(s.time.map((_, i) => point(i)));
    }
    drawn.time = s.time.slice();
  }

  /** The long-vs-short histogram and the per-candle markers on the price pane. */
  setLiquidations(buckets: readonly SummaryBucket[], markers: readonly LiquidationMarker[]): void {
    const t = THEMES[this.theme];
    this.longs.setData(buckets.map((b) => ({ time: sec(b.bucket), value: -b.longUsd })));
    this.shorts.setData(buckets.map((b) => ({ time: sec(b.bucket), value: b.shortUsd })));
    this.markers.setMarkers(
      markers.map((m) => ({
        time: sec(m.time),
        position: m.side === 'long' ? 'belowBar' : 'aboveBar',
        shape: 'circle',
        color: m.side === 'long' ? t.down : t.up,
        size: m.size,
        text: m.size >= 2 ? formatUsd(m.usd) : '',
      })),
    );
  }

  /** Pane count (price, volume, liquidations, then one per oscillator): tests and the legend read it. */
  paneCount(): number {
    return this.chart.panes().length;
  }

  destroy(): void {
    this.chart.timeScale().unsubscribeVisibleLogicalRangeChange(this.watchLeftEdge);
    this.chart.remove();
  }
}

/** A lighter or darker variant of a hex colour for an indicator's second, third… line. */
function fade(hex: string, step: number): string {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * Math.min(0.6, step * 0.25));
  const r = mix((n >> 16) & 255);
  const g = mix((n >> 8) & 255);
  const b = mix(n & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}
