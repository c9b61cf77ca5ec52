/**
 * @wick/indicators — pure indicator math on Float64Array columns. Imports nothing of ours but
 * @wick/market.
 *
 * Batch: `computeIndicator(name, columns, params)` (checked) or a registry entry's `compute`.
 *
 * Streaming (every registry indicator has an exact form: the same bits as the batch kernel):
 *   const s = createStreamingState('rsi', { period: 14 }, closedCandles); // columns, e.g. the cached window + its history
 *   s.peek(openCandle);   // values with the open candle, as often as it changes; commits nothing
 *   s.add(closedCandle);  // a newly closed candle: commits it, returns its values
 *   const json = s.toJSON();              // plain JSON (store it beside the cached result)
 *   const again = restoreStreamingState(json);  // the same state; InvalidStateError if it is not one
 * Candles are `{ time, open, high, low, close, volume }`, in strictly increasing time.
 */
export type { InputColumn, Columns, Outputs, IndicatorDefinition, Family } from './types.ts';
export { indicators } from './registry.ts';
export { getIndicator, requiredColumns } from './lookup.ts';
export { parseParams, canonicalParams } from './canonical-params.ts';
export { computeIndicator } from './compute.ts';
export { historyFor } from './history.ts';
export { createStreamingState, restoreStreamingState, STREAMING_STATE_FORMAT } from './streaming-state.ts';
export type { StreamingState, StreamingStateJSON } from './streaming-state.ts';
export type { StreamCandle, StreamValues, StreamForm, Stepper } from './stream-form.ts';
export {
  IndicatorError,
  UnknownIndicatorError,
  InvalidParamsError,
  NotEnoughDataError,
  InvalidInputError,
  InvalidStateError,
} from './errors.ts';
export type { ParamIssue } from './errors.ts';

// Raw kernels (Float64Array in, Float64Array out, NaN warm-up) and their streaming states
// (next = add a closed value/candle, peek = the value of a candle without adding it, toJSON/fromJSON).
export { sma, smaInto, SmaState } from './trend/sma.ts';
export type { SmaStateJSON } from './trend/sma.ts';
export { ema, emaInto, emaK, EmaState } from './trend/ema.ts';
export type { EmaStateJSON } from './trend/ema.ts';
export { wma, WmaState } from './trend/wma.ts';
export type { WmaStateJSON } from './trend/wma.ts';
export { dema, DemaState } from './trend/dema.ts';
export type { DemaStateJSON } from './trend/dema.ts';
export { tema, TemaState } from './trend/tema.ts';
export type { TemaStateJSON } from './trend/tema.ts';
export { rma, rmaInto, RmaState } from './trend/rma.ts';
export type { RmaStateJSON } from './trend/rma.ts';
export { macd, MacdState } from './trend/macd.ts';
export type { MacdOutput, MacdValue, MacdStateJSON } from './trend/macd.ts';
export { rsi, rsiInto, RsiState } from './momentum/rsi.ts';
export type { RsiStateJSON } from './momentum/rsi.ts';
export { bbands, BbandsState } from './volatility/bbands.ts';
export type { BbandsOutput, BbandsValue, BbandsStateJSON } from './volatility/bbands.ts';
export { atr, AtrState } from './volatility/atr.ts';
export type { AtrStateJSON, HlcCandle } from './volatility/atr.ts';
export { natr, NatrState } from './volatility/natr.ts';
export type { NatrStateJSON } from './volatility/natr.ts';
export { trange, trueRange, TrangeState } from './volatility/trange.ts';
export type { TrangeStateJSON } from './volatility/trange.ts';
export { stoch, fastK, fastKInto, StochState } from './momentum/stoch.ts';
export type { StochOutput, StochValue, StochStateJSON } from './momentum/stoch.ts';
export { stochrsi, StochrsiState, STOCHRSI_MIN_RANGE } from './momentum/stochrsi.ts';
export type { StochrsiValue, StochrsiStateJSON } from './momentum/stochrsi.ts';
export { adx, AdxState } from './trend/adx.ts';
export type { AdxOutput, AdxValue, AdxStateJSON } from './trend/adx.ts';
export { cci, CciState } from './momentum/cci.ts';
export type { CciStateJSON } from './momentum/cci.ts';
export { willr, WillrState } from './momentum/willr.ts';
export type { WillrStateJSON } from './momentum/willr.ts';
export { mfi, MfiState } from './volume/mfi.ts';
export type { MfiCandle, MfiStateJSON } from './volume/mfi.ts';
export { obv, ObvState } from './volume/obv.ts';
export type { ObvStateJSON } from './volume/obv.ts';
export { roc, RocState } from './momentum/roc.ts';
export type { RocStateJSON } from './momentum/roc.ts';
export { mom, MomState } from './momentum/mom.ts';
export type { MomStateJSON } from './momentum/mom.ts';
export { vwap, VwapState } from './volume/vwap.ts';
export type { VwapCandle, VwapStateJSON } from './volume/vwap.ts';
export { keltner, KeltnerState } from './volatility/keltner.ts';
export type { KeltnerOutput, KeltnerValue, KeltnerStateJSON } from './volatility/keltner.ts';
export { donchian, DonchianState } from './volatility/donchian.ts';
export type { DonchianOutput, DonchianValue, DonchianStateJSON } from './volatility/donchian.ts';
export { psar, PsarState } from './trend/psar.ts';
export type { PsarStateJSON } from './trend/psar.ts';
export { supertrend, SupertrendState } from './trend/supertrend.ts';
export type { SupertrendOutput, SupertrendValue, SupertrendStateJSON } from './trend/supertrend.ts';
export { ichimoku, IchimokuState } from './trend/ichimoku.ts';
export type { IchimokuOutput, IchimokuValue, IchimokuStateJSON } from './trend/ichimoku.ts';
export { rollingExtremes } from './window/extremes.ts';
