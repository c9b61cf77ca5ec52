import { Piscina } from 'piscina';
import type { ResolvedOptions } from './options.ts';
import type { WorkerTask } from './task.ts';

export interface WorkerPool {
  pool: Piscina;
  /** Settles once every thread has run one no-op task (booted). */
  warm: Promise<void>;
  isWarm(): boolean;
}

export function startWorkerPool(opts: ResolvedOptions, workerUrl: URL): WorkerPool {
  const pool = new Piscina({
    filename: workerUrl.href,
    minThreads: opts.threads,
    maxThreads: opts.threads,
    // Admission is bounded by the engine (see admission.ts), not by Piscina's maxQueue.
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
  return { pool, warm, isWarm: () => isWarm };
}
