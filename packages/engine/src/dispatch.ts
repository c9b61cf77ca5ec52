import { performance } from 'node:perf_hooks';
import type { CandleColumns } from '@wick/market';
import { EngineAbortedError, EngineClosedError, EngineOverloadedError, EngineTaskError, EngineTimeoutError } from './errors.ts';
import { checkTimeout, hasRoom, runsInline } from './admission.ts';
import type { ResolvedOptions } from './options.ts';
import { seriesLength } from './prepare.ts';
import { runItems } from './run-items.ts';
import type { BatchItemResult, TaskItem, WorkerTask } from './task.ts';
import { detachForTransfer } from './transfer.ts';
import type { ComputeOptions, EngineStats } from './types.ts';
import type { WorkerPool } from './worker-pool.ts';

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

export interface DispatchCounters {
  completed: number;
  failed: number;
  timedOut: number;
  rejected: number;
  inlineRuns: number;
}

/** Runs prepared items inline or on the pool, with the call's budget and signal, and counts what happens. */
export class Dispatcher {
  readonly counters: DispatchCounters = { completed: 0, failed: 0, timedOut: 0, rejected: 0, inlineRuns: 0 };
  private closed = false;
  private pending = 0; // tasks handed to Piscina and not yet settled (running + queued)
  // Kernel time spent in workers. (Piscina 5.3's own `utilization` divides an already-ms mean by
  // 1000 again, so it reads ~1000× too low.)
  private busyMs = 0;
  private readonly createdAt = performance.now();

  constructor(
    private readonly workers: WorkerPool,
    private readonly opts: ResolvedOptions,
  ) {}

  async run(
    columns: Partial<CandleColumns>,
    items: TaskItem[],
    call: ComputeOptions | undefined,
  ): Promise<{ results: BatchItemResult[]; inline: boolean }> {
    if (this.closed) throw new EngineClosedError();
    const signal = call?.signal;
    if (signal?.aborted) throw new EngineAbortedError(signal.reason);
    const timeoutMs = call?.timeoutMs ?? this.opts.taskTimeoutMs;
    checkTimeout(timeoutMs);

    if (runsInline(seriesLength(columns), items.length, this.opts)) {
      this.counters.inlineRuns++;
      return { results: runItems(columns, items), inline: true };
    }
    if (!hasRoom(this.pending, this.opts)) {
      this.counters.rejected++;
      throw new EngineOverloadedError(this.opts.maxQueue);
    }

    const { arrays, transferList } = detachForTransfer(columns);
    const task: WorkerTask = { columns: arrays, items };
    this.pending++;
    const controller = new AbortController();
    let cause: 'timeout' | 'abort' | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cause ??= 'abort';
      controller.abort(signal?.reason);
    };
    try {
      if (!this.workers.isWarm()) await untilAborted(this.workers.warm, signal);
      if (signal?.aborted) throw new EngineAbortedError(signal.reason);
      timer = setTimeout(() => {
        cause ??= 'timeout';
        controller.abort();
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Piscina terminates a worker whose running task is aborted and starts a fresh one.
      const results = (await this.workers.pool.run(task, { transferList, signal: controller.signal })) as BatchItemResult[];
      this.counters.completed++;
      for (const r of results) if (r.ok) this.busyMs += r.computeMs;
      return { results, inline: false };
    } catch (err) {
      if (err instanceof EngineAbortedError) throw err;
      if (cause === 'timeout') {
        this.counters.timedOut++;
        throw new EngineTimeoutError(timeoutMs);
      }
      if (cause === 'abort') throw new EngineAbortedError(signal?.reason);
      this.counters.failed++;
      const message = err instanceof Error ? err.message : String(err);
      throw new EngineTaskError('WORKER_FAILED', `indicator worker failed: ${message}`, { cause: err });
    } finally {
      this.pending--;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  stats(): EngineStats {
    const { pool } = this.workers;
    const { threads, maxQueue } = this.opts;
    const runTime = pool.histogram.runTime;
    const finite = (x: number): number => (Number.isFinite(x) ? x : 0);
    return {
      threads: pool.threads.length,
      queueSize: Math.max(0, this.pending - threads),
      maxQueue,
      running: Math.min(this.pending, threads),
      ...this.counters,
      utilization: finite(Math.min(1, this.busyMs / ((performance.now() - this.createdAt) * threads))),
      runTimeMs: { p50: finite(runTime.p50), p99: finite(runTime.p99) },
    };
  }

  /** Later runs reject with CLOSED. */
  close(): void {
    this.closed = true;
  }
}
