/**
 * Where and how a chart draws an indicator (indicators.catalog answers it, so every screen draws
 * the same way). The model:
 * - `placement` of the indicator: `overlay` — on the candles, in price units (moving averages,
 *   bands, PSAR); `pane` — in a pane of its own below them, on its own scale (oscillators).
 * - per output, its own `placement` (an overlay's outputs that are not prices, such as BBANDS'
 *   percentB and bandwidth or SuperTrend's direction, go to the indicator's pane) and a `style`:
 *   `line`; `histogram` — bars from zero (MACD's histogram, a ±1 direction); `band` — one edge of
 *   a filled band, whose edges are the indicator's band outputs in catalog order (upper then
 *   lower, Ichimoku's senkou A then B: the cloud); `dots` — one marker per candle (PSAR).
 * Indicators not listed here are drawn in a pane, a line per output.
 */
export type Placement = 'overlay' | 'pane';
export type OutputStyle = 'line' | 'histogram' | 'band' | 'dots';

export interface OutputDrawing {
  style: OutputStyle;
  placement: Placement;
}

export interface IndicatorPresentation {
  placement: Placement;
  /** One entry per output, keyed by output name. */
  draw: Record<string, OutputDrawing>;
}

const price = (style: OutputStyle): OutputDrawing => ({ style, placement: 'overlay' });
const own = (style: OutputStyle): OutputDrawing => ({ style, placement: 'pane' });

const OVERLAYS: Record<string, Record<string, OutputDrawing>> = {
  sma: { value: price('line') },
  ema: { value: price('line') },
  wma: { value: price('line') },
  dema: { value: price('line') },
  tema: { value: price('line') },
  rma: { value: price('line') },
  vwap: { value: price('line') },
  bbands: { middle: price('line'), upper: price('band'), lower: price('band'), percentB: own('line'), bandwidth: own('line') },
  keltner: { middle: price('line'), upper: price('band'), lower: price('band') },
  donchian: { upper: price('band'), lower: price('band'), middle: price('line') },
  ichimoku: { tenkan: price('line'), kijun: price('line'), senkouA: price('band'), senkouB: price('band'), chikou: price('line') },
  psar: { value: price('dots') },
  supertrend: { value: price('line'), direction: own('histogram') },
};

const PANE_STYLES: Record<string, Record<string, OutputDrawing>> = {
  macd: { macd: own('line'), signal: own('line'), histogram: own('histogram') },
};

export function presentationOf(indicator: string, outputs: readonly string[]): IndicatorPresentation {
  const overlay = OVERLAYS[indicator];
  const known = overlay ?? PANE_STYLES[indicator] ?? {};
  const draw: Record<string, OutputDrawing> = {};
  for (const name of outputs) draw[name] = known[name] ?? own('line');
  return { placement: overlay ? 'overlay' : 'pane', draw };
}
