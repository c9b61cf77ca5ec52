import type { Columns, IndicatorDefinition, Outputs } from './types.ts';
import { InvalidInputError, NotEnoughDataError } from './errors.ts';
import { getIndicator } from './lookup.ts';
import { parseWith } from './params.ts';

function describeParams(params: Record<string, unknown>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join(', ');
}

/**
 * The length shared by the columns `def` reads; throws InvalidInputError for a missing column, a
 * length mismatch or a non-finite value. Unlike the raw kernels (which propagate NaN the way IEEE
 * arithmetic does, as TA-Lib), the checked entry points refuse them: a candle series from the
 * database never has them, so one is a bug upstream worth surfacing.
 */
export function checkedLength(def: IndicatorDefinition, columns: Columns): number {
  let n = -1;
  for (const col of def.inputs) {
    const arr = columns[col] as Float64Array | undefined;
    if (!(arr instanceof Float64Array)) {
      throw new InvalidInputError(col, -1, `${def.name} needs column "${col}" as a Float64Array`);
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
  return Math.max(n, 0);
}

/** Parse params, check the input (checkedLength), compute. */
export function computeIndicator(name: string, columns: Columns, rawParams: unknown): Outputs {
  const def = getIndicator(name);
  const params = parseWith(name, def.params, rawParams);
  const n = checkedLength(def, columns);
  const needed = def.lookback(params) + 1;
  if (n < needed) throw new NotEnoughDataError(name, describeParams(params), needed, n);
  return def.compute(columns, params);
}
