import type { IndicatorDefinition } from './types.ts';
import { defineIndicator } from './define.ts';
import { sma, smaParams } from './trend/sma.ts';
import { ema, emaParams } from './trend/ema.ts';
import { wma, wmaParams } from './trend/wma.ts';
import { dema, demaParams } from './trend/dema.ts';
import { tema, temaParams } from './trend/tema.ts';
import { rma, rmaParams } from './trend/rma.ts';
import { macd, macdLookback, macdParams } from './trend/macd.ts';
import { rsi, rsiParams } from './momentum/rsi.ts';
import { bbands, bbandsParams } from './volatility/bbands.ts';
import { atr, atrParams } from './volatility/atr.ts';
import { natr, natrParams } from './volatility/natr.ts';
import { trange, trangeParams } from './volatility/trange.ts';

const close = ['close'] as const;
const hlc = ['high', 'low', 'close'] as const;

const list: IndicatorDefinition[] = [
  defineIndicator({
    name: 'sma',
    title: 'Simple Moving Average',
    family: 'trend',
    params: smaParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ value: sma(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'ema',
    title: 'Exponential Moving Average',
    family: 'trend',
    params: emaParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ value: ema(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'wma',
    title: 'Weighted Moving Average',
    family: 'trend',
    params: wmaParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ value: wma(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'dema',
    title: 'Double Exponential Moving Average',
    family: 'trend',
    params: demaParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => 2 * (p.period - 1),
    compute: (c, p) => ({ value: dema(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'tema',
    title: 'Triple Exponential Moving Average',
    family: 'trend',
    params: temaParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => 3 * (p.period - 1),
    compute: (c, p) => ({ value: tema(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'rma',
    title: "Wilder's Moving Average (RMA)",
    family: 'trend',
    params: rmaParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ value: rma(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'macd',
    title: 'Moving Average Convergence/Divergence',
    family: 'trend',
    params: macdParams,
    inputs: close,
    outputs: ['macd', 'signal', 'histogram'],
    lookback: macdLookback,
    compute: (c, p) => {
      const r = macd(c.close, p.fast, p.slow, p.signal);
      return { macd: r.macd, signal: r.signal, histogram: r.histogram };
    },
  }),
  defineIndicator({
    name: 'rsi',
    title: 'Relative Strength Index',
    family: 'momentum',
    params: rsiParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period,
    compute: (c, p) => ({ value: rsi(c.close, p.period) }),
  }),
  defineIndicator({
    name: 'bbands',
    title: 'Bollinger Bands',
    family: 'volatility',
    params: bbandsParams,
    inputs: close,
    outputs: ['middle', 'upper', 'lower', 'percentB', 'bandwidth'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => {
      const r = bbands(c.close, p.period, p.stdDev);
      return { middle: r.middle, upper: r.upper, lower: r.lower, percentB: r.percentB, bandwidth: r.bandwidth };
    },
  }),
  defineIndicator({
    name: 'atr',
    title: 'Average True Range',
    family: 'volatility',
    params: atrParams,
    inputs: hlc,
    outputs: ['value'],
    lookback: (p) => p.period,
    compute: (c, p) => ({ value: atr(c.high, c.low, c.close, p.period) }),
  }),
  defineIndicator({
    name: 'natr',
    title: 'Normalized Average True Range',
    family: 'volatility',
    params: natrParams,
    inputs: hlc,
    outputs: ['value'],
    lookback: (p) => p.period,
    compute: (c, p) => ({ value: natr(c.high, c.low, c.close, p.period) }),
  }),
  defineIndicator({
    name: 'trange',
    title: 'True Range',
    family: 'volatility',
    params: trangeParams,
    inputs: hlc,
    outputs: ['value'],
    lookback: () => 1,
    compute: (c) => ({ value: trange(c.high, c.low, c.close) }),
  }),
];

export const indicators: ReadonlyMap<string, IndicatorDefinition> = new Map(list.map((d) => [d.name, d]));
