import type { CandleColumns } from '@wick/market';
import type { Outputs } from '@wick/indicators';

/** One indicator of a task, params already validated and canonical. */
export interface TaskItem {
  indicator: string;
  params: Record<string, unknown>;
}

/** What crosses to a worker: only the columns the items need, their buffers transferred. */
export interface WorkerTask {
  columns: Partial<CandleColumns>;
  items: TaskItem[];
}

export interface ItemErrorInfo {
  code: string;
  message: string;
}

export type BatchItemResult = { ok: true; outputs: Outputs; computeMs: number } | { ok: false; error: ItemErrorInfo };
