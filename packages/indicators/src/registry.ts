import type { IndicatorDefinition } from './types.ts';
import { defineIndicator } from './define.ts';
import { candleStream, closeStream } from './stream-form.ts';
import { sma, smaParams, SmaState } from './trend/sma.ts';
import { ema, emaParams, EmaState } from './trend/ema.ts';
import { wma, wmaParams, WmaState } from './trend/wma.ts';
import { dema, demaParams, DemaState } from './trend/dema.ts';
import { tema, temaParams, TemaState } from './trend/tema.ts';
import { rma, rmaParams, RmaState } from './trend/rma.ts';
import { macd, macdLookback, macdParams, MacdState } from './trend/macd.ts';
import { rsi, rsiParams, RsiState } from './momentum/rsi.ts';
import { bbands, bbandsParams, BbandsState } from './volatility/bbands.ts';
import { atr, atrParams, AtrState } from './volatility/atr.ts';
import { natr, natrParams, NatrState } from './volatility/natr.ts';
import { trange, trangeParams, TrangeState } from './volatility/trange.ts';
import { stoch, stochParams, StochState } from './momentum/stoch.ts';
import { stochrsi, stochrsiParams, StochrsiState } from './momentum/stochrsi.ts';
import { adx, adxParams, AdxState } from './trend/adx.ts';
import { cci, cciParams, CciState } from './momentum/cci.ts';
import { willr, willrParams, WillrState } from './momentum/willr.ts';
import { mfi, mfiParams, MfiState } from './volume/mfi.ts';
import { obv, obvParams, ObvState } from './volume/obv.ts';
import { roc, rocParams, RocState } from './momentum/roc.ts';
import { mom, momParams, MomState } from './momentum/mom.ts';
import { vwap, vwapParams, VwapState } from './volume/vwap.ts';
import { keltner, keltnerParams, KeltnerState } from './volatility/keltner.ts';
import { donchian, donchianParams, DonchianState } from './volatility/donchian.ts';
import { psar, psarParams, PsarState } from './trend/psar.ts';
import { supertrend, supertrendParams, SupertrendState } from './trend/supertrend.ts';
import { ichimoku, ichimokuParams, IchimokuState } from './trend/ichimoku.ts';

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
    stream: closeStream(SmaState),
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
    stream: closeStream(EmaState),
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
    stream: closeStream(WmaState),
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
    stream: closeStream(DemaState),
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
    stream: closeStream(TemaState),
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
    stream: closeStream(RmaState),
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
    stream: closeStream(MacdState),
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
    stream: closeStream(RsiState),
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
    stream: closeStream(BbandsState),
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
    stream: candleStream(AtrState),
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
    stream: candleStream(NatrState),
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
    stream: candleStream(TrangeState),
  }),
  defineIndicator({
    name: 'stoch',
    title: 'Stochastic Oscillator',
    family: 'momentum',
    params: stochParams,
    inputs: hlc,
    outputs: ['k', 'd'],
    lookback: (p) => p.kPeriod - 1 + (p.kSmoothing - 1) + (p.dPeriod - 1),
    compute: (c, p) => {
      const r = stoch(c.high, c.low, c.close, p.kPeriod, p.kSmoothing, p.dPeriod);
      return { k: r.k, d: r.d };
    },
    stream: candleStream(StochState),
  }),
  defineIndicator({
    name: 'stochrsi',
    title: 'Stochastic RSI',
    family: 'momentum',
    params: stochrsiParams,
    inputs: close,
    outputs: ['k', 'd'],
    lookback: (p) => p.rsiPeriod + (p.kPeriod - 1) + (p.dPeriod - 1),
    compute: (c, p) => {
      const r = stochrsi(c.close, p.rsiPeriod, p.kPeriod, p.dPeriod);
      return { k: r.k, d: r.d };
    },
    stream: closeStream(StochrsiState),
  }),
  defineIndicator({
    name: 'adx',
    title: 'Average Directional Index',
    family: 'trend',
    params: adxParams,
    inputs: hlc,
    outputs: ['adx', 'plusDi', 'minusDi'],
    lookback: (p) => 2 * p.period - 1,
    compute: (c, p) => {
      const r = adx(c.high, c.low, c.close, p.period);
      return { adx: r.adx, plusDi: r.plusDi, minusDi: r.minusDi };
    },
    stream: candleStream(AdxState),
  }),
  defineIndicator({
    name: 'cci',
    title: 'Commodity Channel Index',
    family: 'momentum',
    params: cciParams,
    inputs: hlc,
    outputs: ['value'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ value: cci(c.high, c.low, c.close, p.period) }),
    stream: candleStream(CciState),
  }),
  defineIndicator({
    name: 'willr',
    title: 'Williams %R',
    family: 'momentum',
    params: willrParams,
    inputs: hlc,
    outputs: ['value'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => ({ value: willr(c.high, c.low, c.close, p.period) }),
    stream: candleStream(WillrState),
  }),
  defineIndicator({
    name: 'mfi',
    title: 'Money Flow Index',
    family: 'volume',
    params: mfiParams,
    inputs: ['high', 'low', 'close', 'volume'],
    outputs: ['value'],
    lookback: (p) => p.period,
    compute: (c, p) => ({ value: mfi(c.high, c.low, c.close, c.volume, p.period) }),
    stream: candleStream(MfiState),
  }),
  defineIndicator({
    name: 'obv',
    title: 'On-Balance Volume',
    family: 'volume',
    params: obvParams,
    inputs: ['close', 'volume'],
    outputs: ['value'],
    lookback: () => 0,
    compute: (c) => ({ value: obv(c.close, c.volume) }),
    stream: candleStream(ObvState),
  }),
  defineIndicator({
    name: 'roc',
    title: 'Rate of Change',
    family: 'momentum',
    params: rocParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period,
    compute: (c, p) => ({ value: roc(c.close, p.period) }),
    stream: closeStream(RocState),
  }),
  defineIndicator({
    name: 'mom',
    title: 'Momentum',
    family: 'momentum',
    params: momParams,
    inputs: close,
    outputs: ['value'],
    lookback: (p) => p.period,
    compute: (c, p) => ({ value: mom(c.close, p.period) }),
    stream: closeStream(MomState),
  }),
  defineIndicator({
    name: 'vwap',
    title: 'Volume-Weighted Average Price (UTC day)',
    family: 'volume',
    params: vwapParams,
    inputs: ['high', 'low', 'close', 'volume', 'time'],
    outputs: ['value'],
    lookback: () => 0,
    compute: (c) => ({ value: vwap(c.high, c.low, c.close, c.volume, c.time) }),
    stream: candleStream(VwapState),
  }),
  defineIndicator({
    name: 'keltner',
    title: 'Keltner Channels',
    family: 'volatility',
    params: keltnerParams,
    inputs: hlc,
    outputs: ['middle', 'upper', 'lower'],
    lookback: (p) => Math.max(p.period - 1, p.atrPeriod),
    compute: (c, p) => {
      const r = keltner(c.high, c.low, c.close, p.period, p.atrPeriod, p.multiplier);
      return { middle: r.middle, upper: r.upper, lower: r.lower };
    },
    stream: candleStream(KeltnerState),
  }),
  defineIndicator({
    name: 'donchian',
    title: 'Donchian Channels',
    family: 'volatility',
    params: donchianParams,
    inputs: ['high', 'low'],
    outputs: ['upper', 'lower', 'middle'],
    lookback: (p) => p.period - 1,
    compute: (c, p) => {
      const r = donchian(c.high, c.low, p.period);
      return { upper: r.upper, lower: r.lower, middle: r.middle };
    },
    stream: candleStream(DonchianState),
  }),
  defineIndicator({
    name: 'psar',
    title: 'Parabolic SAR',
    family: 'trend',
    params: psarParams,
    inputs: ['high', 'low'],
    outputs: ['value'],
    lookback: () => 1,
    compute: (c, p) => ({ value: psar(c.high, c.low, p.acceleration, p.maximum) }),
    stream: candleStream(PsarState),
  }),
  defineIndicator({
    name: 'supertrend',
    title: 'SuperTrend',
    family: 'trend',
    params: supertrendParams,
    inputs: hlc,
    outputs: ['value', 'direction'],
    lookback: (p) => p.period,
    compute: (c, p) => {
      const r = supertrend(c.high, c.low, c.close, p.period, p.multiplier);
      return { value: r.value, direction: r.direction };
    },
    stream: candleStream(SupertrendState),
  }),
  defineIndicator({
    name: 'ichimoku',
    title: 'Ichimoku Cloud',
    family: 'trend',
    params: ichimokuParams,
    inputs: hlc,
    outputs: ['tenkan', 'kijun', 'senkouA', 'senkouB', 'chikou'],
    lookback: (p) => Math.max(p.tenkan, p.kijun, p.senkouB) - 1,
    compute: (c, p) => {
      const r = ichimoku(c.high, c.low, c.close, p.tenkan, p.kijun, p.senkouB);
      return { tenkan: r.tenkan, kijun: r.kijun, senkouA: r.senkouA, senkouB: r.senkouB, chikou: r.chikou };
    },
    stream: candleStream(IchimokuState),
  }),
];

export const indicators: ReadonlyMap<string, IndicatorDefinition> = new Map(list.map((d) => [d.name, d]));
