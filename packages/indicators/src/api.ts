import type { Columns, IndicatorDefinition, InputColumn, Outputs } from './types.ts';
import { indicators } from './registry.ts';
import { InvalidInputError, NotEnoughDataError, UnknownIndicatorError } from './errors.ts';
import { parseWith } from './params.ts';

export function getIndicator(name: string): IndicatorDefinition {
  const def = indicators.get(name);
  if (!def) throw new UnknownIndicatorError(name, [...indicators.keys()]);
  return def;
}

/** Defaults applied and bounds checked; throws InvalidParamsError naming the param and its bound. */
export function parseParams(name: string, raw: unknown): Record<string, unknown> {
  return parseWith(name, getIndicator(name).params, raw);
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

/** Stable JSON of the parsed params (defaults applied, keys sorted) for cache keys. */
export function canonicalParams(name: string, raw: unknown): string {
  return stableStringify(parseParams(name, raw));
}

export function requiredColumns(name: string): readonly InputColumn[] {
  return getIndicator(name).inputs;
}

function describeParams(params: Record<string, unknown>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(', ');
}

/**
 * Parse params, check the input, compute. Unlike the raw kernels (which propagate NaN the way IEEE
 * arithmetic does, as TA-Lib), this entry point refuses non-finite values in the columns it reads:
 * a candle series from the database never has them, so one is a bug upstream worth surfacing.
 */
export function computeIndicator(name: string, columns: Columns, rawParams: unknown): Outputs {
  const def = getIndicator(name);
  const params = parseWith(name, def.params, rawParams);
  let n = -1;
  for (const col of def.inputs) {
    const arr = columns[col] as Float64Array | undefined;
    if (!(arr instanceof Float64Array)) {
      throw new InvalidInputError(col, -1, `${name} needs column "${col}" as a Float64Array`);
    }
    if (n === -1) n = arr.length;
    else if (arr.length !== n) {
      throw new InvalidInputError(col, -1, `column "${col}" has ${arr.length} values, expected ${n}`);
    }
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]!;
      if (v - v !== 0) throw new InvalidInputError(col, i, `column "${col}" has a non-finite value (${v}) at index ${i}`);
    }
  }
  const needed = def.lookback(params) + 1;
  if (n < needed) throw new NotEnoughDataError(name, describeParams(params), needed, Math.max(n, 0));
  return def.compute(columns, params);
}
