import type { IndicatorDefinition, InputColumn } from './types.ts';
import { indicators } from './registry.ts';
import { UnknownIndicatorError } from './errors.ts';

/** The registry entry of `name`; an unknown name throws UnknownIndicatorError listing the known ones. */
export function getIndicator(name: string): IndicatorDefinition {
  const def = indicators.get(name);
  if (!def) throw new UnknownIndicatorError(name, [...indicators.keys()]);
  return def;
}

/** The candle columns `name` reads (what a caller must load, and what the engine transfers). */
export function requiredColumns(name: string): readonly InputColumn[] {
  return getIndicator(name).inputs;
}
