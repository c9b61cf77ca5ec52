/**
 * How each indicator is drawn. The catalog says what an indicator computes but not where it
 * belongs (MACD is in the "trend" family yet is an oscillator; BBANDS' percentB is not a price),
 * so the screen keeps this table; unknown indicators get their own pane with a line per output.
 */
export type OutputKind = 'line' | 'histogram' | 'dots' | 'hidden';

export interface Presentation {
  placement: 'overlay' | 'pane';
  outputs: Record<string, OutputKind>;
  /** Horizontal guide lines of an oscillator (RSI 30/70). */
  levels?: number[];
}

const lines = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'line' as const]));
const overlay = (outputs: Record<string, OutputKind>): Presentation => ({ placement: 'overlay', outputs });
const pane = (outputs: Record<string, OutputKind>, levels?: number[]): Presentation => ({
  placement: 'pane',
  outputs,
  ...(levels ? { levels } : {}),
});

const TABLE: Record<string, Presentation> = {
  sma: overlay(lines('value')),
  ema: overlay(lines('value')),
  wma: overlay(lines('value')),
  dema: overlay(lines('value')),
  tema: overlay(lines('value')),
  rma: overlay(lines('value')),
  vwap: overlay(lines('value')),
  bbands: overlay({ ...lines('upper', 'middle', 'lower'), percentB: 'hidden', bandwidth: 'hidden' }),
  keltner: overlay(lines('upper', 'middle', 'lower')),
  donchian: overlay(lines('upper', 'middle', 'lower')),
  ichimoku: overlay(lines('tenkan', 'kijun', 'senkouA', 'senkouB', 'chikou')),
  psar: overlay({ value: 'dots' }),
  supertrend: overlay({ value: 'line', direction: 'hidden' }),
  macd: pane({ macd: 'line', signal: 'line', histogram: 'histogram' }, [0]),
  rsi: pane(lines('value'), [30, 70]),
  stoch: pane(lines('k', 'd'), [20, 80]),
  stochrsi: pane(lines('k', 'd'), [20, 80]),
  willr: pane(lines('value'), [-80, -20]),
  mfi: pane(lines('value'), [20, 80]),
  cci: pane(lines('value'), [-100, 100]),
  adx: pane(lines('adx', 'plusDi', 'minusDi'), [25]),
  roc: pane(lines('value'), [0]),
  mom: pane(lines('value'), [0]),
};

export function presentationOf(name: string, outputs: readonly string[]): Presentation {
  return TABLE[name] ?? pane(lines(...outputs));
}

export const PALETTE = ['#f5a524', '#38bdf8', '#c084fc', '#f472b6', '#34d399', '#facc15', '#fb7185', '#60a5fa', '#a3e635', '#e879f9'];
