export type { InputColumn, Columns, Outputs, IndicatorDefinition, Family } from './types.ts';
export { indicators } from './registry.ts';
export { getIndicator, parseParams, canonicalParams, computeIndicator, requiredColumns } from './api.ts';
export { historyFor } from './history.ts';
export {
  IndicatorError,
  UnknownIndicatorError,
  InvalidParamsError,
  NotEnoughDataError,
  InvalidInputError,
  InvalidStateError,
} from './errors.ts';
export type { ParamIssue } from './errors.ts';

// Raw kernels (Float64Array in, Float64Array out, NaN warm-up) and streaming states.
export { sma, smaInto, SmaState } from './trend/sma.ts';
export type { SmaStateJSON } from './trend/sma.ts';
export { ema, emaInto, emaK, EmaState } from './trend/ema.ts';
export type { EmaStateJSON } from './trend/ema.ts';
export { wma } from './trend/wma.ts';
export { dema } from './trend/dema.ts';
export { tema } from './trend/tema.ts';
export { rma, rmaInto } from './trend/rma.ts';
export { macd, MacdState } from './trend/macd.ts';
export type { MacdOutput, MacdValue, MacdStateJSON } from './trend/macd.ts';
export { rsi, rsiInto, RsiState } from './momentum/rsi.ts';
export type { RsiStateJSON } from './momentum/rsi.ts';
export { bbands, BbandsState } from './volatility/bbands.ts';
export type { BbandsOutput, BbandsValue, BbandsStateJSON } from './volatility/bbands.ts';
export { atr, AtrState } from './volatility/atr.ts';
export type { AtrStateJSON, HlcCandle } from './volatility/atr.ts';
export { natr } from './volatility/natr.ts';
export { trange, trueRange } from './volatility/trange.ts';
export { stoch, fastKInto } from './momentum/stoch.ts';
export type { StochOutput } from './momentum/stoch.ts';
export { stochrsi } from './momentum/stochrsi.ts';
export { adx } from './trend/adx.ts';
export type { AdxOutput } from './trend/adx.ts';
export { cci } from './momentum/cci.ts';
export { willr } from './momentum/willr.ts';
export { mfi } from './volume/mfi.ts';
export { obv } from './volume/obv.ts';
export { roc } from './momentum/roc.ts';
export { mom } from './momentum/mom.ts';
export { vwap } from './volume/vwap.ts';
export { keltner } from './volatility/keltner.ts';
export type { KeltnerOutput } from './volatility/keltner.ts';
export { donchian } from './volatility/donchian.ts';
export type { DonchianOutput } from './volatility/donchian.ts';
export { psar } from './trend/psar.ts';
export { supertrend } from './trend/supertrend.ts';
export type { SupertrendOutput } from './trend/supertrend.ts';
export { ichimoku } from './trend/ichimoku.ts';
export type { IchimokuOutput } from './trend/ichimoku.ts';
export { rollingExtremes } from './window/extremes.ts';
