import { performance } from 'node:perf_hooks';
import { computeIndicator, IndicatorError } from '@wick/indicators';
import type { CandleColumns } from '@wick/market';
import type { BatchItemResult, ItemErrorInfo, TaskItem } from './task.ts';

/** Errors become values here: a thrown Error crossing a worker boundary would lose its `code`. */
export function toErrorInfo(err: unknown): ItemErrorInfo {
  if (err instanceof IndicatorError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'COMPUTE_FAILED', message };
}

/**
 * Runs every item over the same columns; one item's failure never affects the others. Used both
 * by the worker and by the inline path, so both give bit-identical results.
 * `columns` may hold only the columns the items need (see requiredColumns).
 */
export function runItems(columns: Partial<CandleColumns>, items: readonly TaskItem[]): BatchItemResult[] {
  return items.map((item): BatchItemResult => {
    const t0 = performance.now();
    try {
      const outputs = computeIndicator(item.indicator, columns as CandleColumns, item.params);
      return { ok: true, outputs, computeMs: performance.now() - t0 };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    }
  });
}
