import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { parseParams, requiredColumns } from '@wick/indicators';
import type { Columns, InputColumn, Outputs } from '@wick/indicators';
import {
  EngineAbortedError,
  EngineClosedError,
  EngineError,
  EngineOverloadedError,
  EngineTaskError,
  EngineTimeoutError,
} from './errors.ts';
import { resolveOptions } from './options.ts';
import type { EngineOptions } from './options.ts';
import { runItems, toErrorInfo } from './run-items.ts';
import type { BatchItemResult, ItemErrorInfo, TaskItem, WorkerTask } from './task.ts';
import { detachForTransfer } from './transfer.ts';

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
  compute(columns: Columns, item: ComputeItem, opts?: ComputeOptions): Promise<ComputeResult>;
  /**
   * Several indicators over the same candles in one task and one transfer (the union of their
   * columns). Per-item failures come back as `{ ok: false }` beside the others; failures of the
   * whole task (timeout, abort, overload, worker death) reject.
   */
  computeMany(columns: Columns, items: ComputeItem[], opts?: ComputeOptions): Promise<BatchItemResult[]>;
  stats(): EngineStats;
  /** Waits for running tasks, then stops the workers. Later calls reject with CLOSED. */
  close(): Promise<void>;
}

const MAX_BATCH_ITEMS = 256;

type Prepared = { ok: true; item: TaskItem; columns: readonly InputColumn[] } | { ok: false; error: ItemErrorInfo };

/** Params are validated here, on the calling thread, so bad input never costs a worker round trip. */
function prepare(item: ComputeItem): Prepared {
  try {
    const params = parseParams(item.indicator, item.params);
    return { ok: true, item: { indicator: item.indicator, params }, columns: requiredColumns(item.indicator) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}

function pickColumns(columns: Columns, names: Iterable<InputColumn>): Partial<Columns> {
  const picked: Partial<Columns> = {};
  for (const name of names) picked[name] = columns[name];
  return picked;
}

function seriesLength(columns: Partial<Columns>): number {
  for (const arr of Object.values(columns)) if (arr !== undefined) return arr.length;
  return 0;
}

function checkTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 3_600_000) {
    throw new EngineError('INVALID_OPTIONS', `timeoutMs must be in (0, 3600000], got ${timeoutMs}`);
  }
}

/** Resolves with `p`, or rejects with ABORTED as soon as `signal` fires. */
function untilAborted(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new EngineAbortedError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new EngineAbortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export const DEFAULT_WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);

export function createEngine(options?: EngineOptions): Engine {
  return createEngineWithWorker(options, DEFAULT_WORKER_URL);
}

/** Same as createEngine with another worker file (tests use one that can crash on demand). */
export function createEngineWithWorker(options: EngineOptions | undefined, workerUrl: URL): Engine {
  const opts = resolveOptions(options);
  const pool = new Piscina({
    filename: workerUrl.href,
    minThreads: opts.threads,
    maxThreads: opts.threads,
    // Admission is bounded below (Piscina's own maxQueue does not count tasks carrying an
    // AbortSignal, and every task here carries one for its timeout).
  });
  // A worker that fails outside a task (e.g. while starting) is replaced by Piscina; without a
  // listener the 'error' event would take the whole process down.
  pool.on('error', () => {});

  // Booting a worker (tsx registration, loading the kernels) takes ~0.5 s on an idle 2-core box and
  // several seconds under load. One no-op task per thread marks the pool warm; task budgets start
  // only after that, so a cold start is not reported as a TIMEOUT. (A respawn after a crash or a
  // timeout still counts against the tasks that wait for it.)
  const warm = Promise.allSettled(
    Array.from({ length: opts.threads }, () => pool.run({ columns: {}, items: [] } satisfies WorkerTask)),
  ).then(() => undefined);
  let isWarm = false;
  void warm.then(() => {
    isWarm = true;
    pool.histogram.resetRunTime(); // boot time is not task run time
  });

  let closed = false;
  let pending = 0; // tasks handed to Piscina and not yet settled (running + queued)
  // Kernel time spent in workers. (Piscina 5.3's own `utilization` divides an already-ms mean by
  // 1000 again, so it reads ~1000× too low.)
  let busyMs = 0;
  const createdAt = performance.now();
  const counters = { completed: 0, failed: 0, timedOut: 0, rejected: 0, inlineRuns: 0 };

  async function dispatch(
    columns: Partial<Columns>,
    items: TaskItem[],
    call: ComputeOptions | undefined,
  ): Promise<{ results: BatchItemResult[]; inline: boolean }> {
    if (closed) throw new EngineClosedError();
    const signal = call?.signal;
    if (signal?.aborted) throw new EngineAbortedError(signal.reason);
    const timeoutMs = call?.timeoutMs ?? opts.taskTimeoutMs;
    checkTimeout(timeoutMs);

    // Work ≈ candles × indicators: a batch of several is worth a round trip sooner than one.
    if (seriesLength(columns) * items.length <= opts.inlineMaxCandles) {
      counters.inlineRuns++;
      return { results: runItems(columns, items), inline: true };
    }
    if (pending >= opts.threads + opts.maxQueue) {
      counters.rejected++;
      throw new EngineOverloadedError(opts.maxQueue);
    }

    const { arrays, transferList } = detachForTransfer(columns);
    const task: WorkerTask = { columns: arrays, items };
    pending++;
    const controller = new AbortController();
    let cause: 'timeout' | 'abort' | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cause ??= 'abort';
      controller.abort(signal?.reason);
    };
    try {
      if (!isWarm) await untilAborted(warm, signal);
      if (signal?.aborted) throw new EngineAbortedError(signal.reason);
      timer = setTimeout(() => {
        cause ??= 'timeout';
        controller.abort();
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Piscina terminates a worker whose running task is aborted and starts a fresh one.
      const results = (await pool.run(task, { transferList, signal: controller.signal })) as BatchItemResult[];
      counters.completed++;
      for (const r of results) if (r.ok) busyMs += r.computeMs;
      return { results, inline: false };
    } catch (err) {
      if (err instanceof EngineAbortedError) throw err;
      if (cause === 'timeout') {
        counters.timedOut++;
        throw new EngineTimeoutError(timeoutMs);
      }
      if (cause === 'abort') throw new EngineAbortedError(signal?.reason);
      counters.failed++;
      const message = err instanceof Error ? err.message : String(err);
      throw new EngineTaskError('WORKER_FAILED', `indicator worker failed: ${message}`, { cause: err });
    } finally {
      pending--;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async compute(columns, item, call) {
      const prepared = prepare(item);
      if (!prepared.ok) {
        counters.failed++;
        throw new EngineTaskError(prepared.error.code, prepared.error.message);
      }
      const { results, inline } = await dispatch(pickColumns(columns, prepared.columns), [prepared.item], call);
      const result = results[0];
      if (result === undefined) throw new EngineTaskError('WORKER_FAILED', 'indicator worker returned no result');
      if (!result.ok) {
        counters.failed++;
        throw new EngineTaskError(result.error.code, result.error.message);
      }
      return { outputs: result.outputs, computeMs: result.computeMs, inline };
    },

    async computeMany(columns, items, call) {
      if (items.length > MAX_BATCH_ITEMS) {
        throw new EngineError('INVALID_INPUT', `at most ${MAX_BATCH_ITEMS} items per batch, got ${items.length}`);
      }
      const prepared = items.map(prepare);
      const valid: TaskItem[] = [];
      const needed = new Set<InputColumn>();
      for (const p of prepared) {
        if (!p.ok) continue;
        valid.push(p.item);
        for (const c of p.columns) needed.add(c);
      }
      const computed = valid.length > 0 ? (await dispatch(pickColumns(columns, needed), valid, call)).results : [];
      let next = 0;
      return prepared.map((p): BatchItemResult => {
        if (!p.ok) return { ok: false, error: p.error };
        return computed[next++] ?? { ok: false, error: { code: 'WORKER_FAILED', message: 'missing result' } };
      });
    },

    stats() {
      const runTime = pool.histogram.runTime;
      const finite = (x: number): number => (Number.isFinite(x) ? x : 0);
      return {
        threads: pool.threads.length,
        queueSize: Math.max(0, pending - opts.threads),
        maxQueue: opts.maxQueue,
        running: Math.min(pending, opts.threads),
        ...counters,
        utilization: finite(Math.min(1, busyMs / ((performance.now() - createdAt) * opts.threads))),
        runTimeMs: { p50: finite(runTime.p50), p99: finite(runTime.p99) },
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}
