import { getIndicator, type InputColumn } from '@wick/indicators';

/**
 * How many candles of history to read before a window so that its first value equals what a
 * computation over the whole stored history gives.
 *
 * Windowed indicators (SMA, Bollinger, Stochastic, …) need exactly their lookback. Recursive ones
 * (EMA family, Wilder smoothing) never forget their seed, but its weight decays geometrically:
 * we read enough extra candles for the seed's weight to fall below 1e-12, far under the 1e-9
 * agreement the tests hold. Path-dependent ones (PSAR, SuperTrend) settle after a reversal, which
 * a few hundred candles all but guarantee; OBV is cumulative and is defined from the first
 * candle read (as charting tools do), so it gets a fixed history too.
 */
const EPSILON = 1e-12;

function decayCandles(alpha: number): number {
  return Math.ceil(Math.log(EPSILON) / Math.log(1 - alpha));
}
const ema = (period: number) => decayCandles(2 / (period + 1));
const wilder = (period: number) => decayCandles(1 / period);

const num = (params: Record<string, unknown>, key: string, fallback: number): number => {
  const v = params[key];
  return typeof v === 'number' ? v : fallback;
};

const CANDLES_PER_DAY: Record<string, number> = { '1m': 1440, '5m': 288, '15m': 96, '1h': 24, '4h': 6, '1d': 1 };

const extraFor: Record<string, (p: Record<string, unknown>, interval: string) => number> = {
  ema: (p) => ema(num(p, 'period', 20)),
  dema: (p) => 2 * ema(num(p, 'period', 20)),
  tema: (p) => 3 * ema(num(p, 'period', 20)),
  rma: (p) => wilder(num(p, 'period', 14)),
  rsi: (p) => wilder(num(p, 'period', 14)),
  stochrsi: (p) => wilder(num(p, 'rsiPeriod', num(p, 'period', 14))),
  macd: (p) => ema(num(p, 'slow', num(p, 'slowPeriod', 26))) + ema(num(p, 'signal', num(p, 'signalPeriod', 9))),
  atr: (p) => wilder(num(p, 'period', 14)),
  natr: (p) => wilder(num(p, 'period', 14)),
  adx: (p) => 3 * wilder(num(p, 'period', 14)),
  keltner: (p) => Math.max(ema(num(p, 'period', 20)), wilder(num(p, 'atrPeriod', 10))),
  supertrend: (p) => wilder(num(p, 'period', 10)) + 500,
  psar: () => 500,
  obv: () => 500,
  vwap: (_p, interval) => (CANDLES_PER_DAY[interval] ?? 1) - 1,
};

export function warmupFor(indicator: string, params: Record<string, unknown>, interval: string): number {
  const def = getIndicator(indicator);
  return def.lookback(params) + (extraFor[indicator]?.(params, interval) ?? 0);
}

export function inputsOf(indicator: string): readonly InputColumn[] {
  return getIndicator(indicator).inputs;
}
