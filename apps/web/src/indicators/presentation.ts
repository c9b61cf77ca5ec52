import type { CatalogEntry } from './use-catalog.ts';

/**
 * How the chart draws an indicator: indicators.catalog says where (`placement`: on the candles or
 * in a pane of its own) and, per output, how (`draw`: style and placement), so every screen draws
 * the same way. The screen adds only its guide lines.
 */
export type Presentation = Pick<CatalogEntry, 'placement' | 'draw'> & {
  /** Horizontal guide lines of an oscillator's pane (RSI 30/70). */
  levels: readonly number[];
};

export type OutputStyle = CatalogEntry['draw'][string]['style'];

/**
 * Guide lines are a screen's choice the catalog does not carry (yet): the conventional
 * overbought/oversold or zero levels of the oscillators that have them.
 */
const GUIDE_LEVELS: Record<string, readonly number[]> = {
  macd: [0],
  rsi: [30, 70],
  stoch: [20, 80],
  stochrsi: [20, 80],
  willr: [-80, -20],
  mfi: [20, 80],
  cci: [-100, 100],
  adx: [25],
  roc: [0],
  mom: [0],
};

export function presentationOf(entry: CatalogEntry): Presentation {
  return { placement: entry.placement, draw: entry.draw, levels: GUIDE_LEVELS[entry.name] ?? [] };
}

export const PALETTE = ['#f5a524', '#38bdf8', '#c084fc', '#f472b6', '#34d399', '#facc15', '#fb7185', '#60a5fa', '#a3e635', '#e879f9'];
