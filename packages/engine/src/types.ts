import type { CandleColumns } from '@wick/market';
import type { Outputs } from '@wick/indicators';
import type { BatchItemResult } from './task.ts';

export interface ComputeItem {
  indicator: string;
  params: unknown;
}

export interface ComputeResult {
  outputs: Outputs;
  /** Time spent in the kernel itself (worker or inline), not the round trip. */
  computeMs: number;
  inline: boolean;
}

export interface ComputeOptions {
  signal?: AbortSignal;
  /** Overrides the engine's taskTimeoutMs for this call. */
  timeoutMs?: number;
}

export interface EngineStats {
  threads: number;
  /** Tasks waiting for a free worker. */
  queueSize: number;
  maxQueue: number;
  running: number;
  /** Worker tasks that returned (a batch with per-item errors counts as completed). */
  completed: number;
  /** compute() calls rejected with EngineTaskError (bad params included) and worker failures. */
  failed: number;
  timedOut: number;
  /** Calls refused with OVERLOADED. */
  rejected: number;
  /** Share of the workers' capacity spent in kernels since the engine started, 0..1. */
  utilization: number;
  inlineRuns: number;
  /** Worker task run time (dispatch to reply), from Piscina's histogram. */
  runTimeMs: { p50: number; p99: number };
}

export interface Engine {
  /**
   * Computes one indicator. The columns it needs (requiredColumns) are TRANSFERRED to a worker:
   * the caller's Float64Arrays for those columns are detached as soon as this is called (other
   * columns are untouched and nothing is copied). Series of at most inlineMaxCandles candles are
   * computed on the calling thread and left intact. Rejects with EngineTaskError (indicator
   * code: INVALID_PARAMS, UNKNOWN_INDICATOR, NOT_ENOUGH_DATA, INVALID_INPUT; or WORKER_FAILED),
   * EngineTimeoutError, EngineAbortedError, EngineOverloadedError.
   */
  compute(columns: CandleColumns, item: ComputeItem, opts?: ComputeOptions): Promise<ComputeResult>;
  /**
   * Several indicators over the same candles in one task and one transfer (the union of their
   * columns). Per-item failures come back as `{ ok: false }` beside the others; failures of the
   * whole task (timeout, abort, overload, worker death) reject.
   */
  computeMany(columns: CandleColumns, items: ComputeItem[], opts?: ComputeOptions): Promise<BatchItemResult[]>;
  stats(): EngineStats;
  /** Waits for running tasks, then stops the workers. Later calls reject with CLOSED. */
  close(): Promise<void>;
}
