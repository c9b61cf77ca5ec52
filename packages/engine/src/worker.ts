import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runItems } from './run-items.ts';
import type { BatchItemResult, WorkerTask } from './task.ts';
import { collectBuffers } from './transfer.ts';

/** Lets Piscina transfer every output buffer of a batch with the reply, not just one value. */
class ResultsTransfer {
  readonly [transferableSymbol]: ArrayBuffer[];
  readonly [valueSymbol]: BatchItemResult[];
  constructor(results: BatchItemResult[]) {
    this[transferableSymbol] = collectBuffers(results.flatMap((r) => (r.ok ? Object.values(r.outputs) : [])));
    this[valueSymbol] = results;
  }
}

/** Piscina task handler (loaded through worker-entry.mjs). */
export default function runTask(task: WorkerTask): unknown {
  return move(new ResultsTransfer(runItems(task.columns, task.items)));
}
