import { EngineError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

export const MAX_BATCH_ITEMS = 256;

export function checkBatchSize(items: number): void {
  if (items > MAX_BATCH_ITEMS) throw new EngineError('INVALID_INPUT', `at most ${MAX_BATCH_ITEMS} items per batch, got ${items}`);
}

export function checkTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 3_600_000) {
    throw new EngineError('INVALID_OPTIONS', `timeoutMs must be in (0, 3600000], got ${timeoutMs}`);
  }
}

/** Work ≈ candles × indicators: a batch of several is worth a round trip sooner than one. */
export function runsInline(candles: number, items: number, opts: ResolvedOptions): boolean {
  return candles * items <= opts.inlineMaxCandles;
}

/**
 * Tasks handed to the pool and not yet settled (running + queued) are bounded here, not by
 * Piscina: its maxQueue does not count tasks carrying an AbortSignal, and every task carries one
 * for its timeout. Without room a call is refused with OVERLOADED at once rather than queued.
 */
export function hasRoom(pending: number, opts: ResolvedOptions): boolean {
  return pending < opts.threads + opts.maxQueue;
}
