export { createEngine } from './engine.ts';
export type { ComputeItem, ComputeOptions, ComputeResult, Engine, EngineStats } from './types.ts';
export type { EngineOptions } from './options.ts';
export { DEFAULT_INLINE_MAX_CANDLES } from './options.ts';
export type { BatchItemResult, ItemErrorInfo } from './task.ts';
export {
  EngineAbortedError,
  EngineClosedError,
  EngineError,
  EngineOverloadedError,
  EngineTaskError,
  EngineTimeoutError,
} from './errors.ts';
