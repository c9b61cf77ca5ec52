import type { InputColumn } from '@wick/indicators';
import { EngineTaskError } from './errors.ts';
import { checkBatchSize } from './admission.ts';
import { Dispatcher } from './dispatch.ts';
import { resolveOptions } from './options.ts';
import type { EngineOptions } from './options.ts';
import { pickColumns, prepare } from './prepare.ts';
import type { BatchItemResult, TaskItem } from './task.ts';
import type { Engine } from './types.ts';
import { startWorkerPool } from './worker-pool.ts';

export const DEFAULT_WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);

export function createEngine(options?: EngineOptions): Engine {
  return createEngineWithWorker(options, DEFAULT_WORKER_URL);
}

/** Same as createEngine with another worker file (tests use one that can crash on demand). */
export function createEngineWithWorker(options: EngineOptions | undefined, workerUrl: URL): Engine {
  const opts = resolveOptions(options);
  const workers = startWorkerPool(opts, workerUrl);
  const dispatcher = new Dispatcher(workers, opts);
  const { counters } = dispatcher;
  let closed = false;

  return {
    async compute(columns, item, call) {
      const prepared = prepare(item);
      if (!prepared.ok) {
        counters.failed++;
        throw new EngineTaskError(prepared.error.code, prepared.error.message);
      }
      const { results, inline } = await dispatcher.run(pickColumns(columns, prepared.columns), [prepared.item], call);
      const result = results[0];
      if (result === undefined) throw new EngineTaskError('WORKER_FAILED', 'indicator worker returned no result');
      if (!result.ok) {
        counters.failed++;
        throw new EngineTaskError(result.error.code, result.error.message);
      }
      return { outputs: result.outputs, computeMs: result.computeMs, inline };
    },

    async computeMany(columns, items, call) {
      checkBatchSize(items.length);
      const prepared = items.map(prepare);
      const valid: TaskItem[] = [];
      const needed = new Set<InputColumn>();
      for (const p of prepared) {
        if (!p.ok) continue;
        valid.push(p.item);
        for (const c of p.columns) needed.add(c);
      }
      const computed = valid.length > 0 ? (await dispatcher.run(pickColumns(columns, needed), valid, call)).results : [];
      let next = 0;
      return prepared.map((p): BatchItemResult => {
        if (!p.ok) return { ok: false, error: p.error };
        return computed[next++] ?? { ok: false, error: { code: 'WORKER_FAILED', message: 'missing result' } };
      });
    },

    stats: () => dispatcher.stats(),

    async close() {
      if (closed) return;
      closed = true;
      dispatcher.close();
      await workers.pool.close();
    },
  };
}
