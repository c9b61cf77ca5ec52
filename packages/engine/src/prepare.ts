import type { CandleColumns } from '@wick/market';
import { parseParams, requiredColumns } from '@wick/indicators';
import type { InputColumn } from '@wick/indicators';
import { toErrorInfo } from './run-items.ts';
import type { ItemErrorInfo, TaskItem } from './task.ts';
import type { ComputeItem } from './types.ts';

export type Prepared = { ok: true; item: TaskItem; columns: readonly InputColumn[] } | { ok: false; error: ItemErrorInfo };

/** Params are validated here, on the calling thread, so bad input never costs a worker round trip. */
export function prepare(item: ComputeItem): Prepared {
  try {
    const params = parseParams(item.indicator, item.params);
    return { ok: true, item: { indicator: item.indicator, params }, columns: requiredColumns(item.indicator) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}

/** Only the columns the items read: the others are neither transferred nor copied. */
export function pickColumns(columns: CandleColumns, names: Iterable<InputColumn>): Partial<CandleColumns> {
  const picked: Partial<CandleColumns> = {};
  for (const name of names) picked[name] = columns[name];
  return picked;
}

export function seriesLength(columns: Partial<CandleColumns>): number {
  for (const arr of Object.values(columns)) if (arr !== undefined) return arr.length;
  return 0;
}
