// The messages between a test and its reader process (reader-process.ts).
import type { RouterInputs } from '../../src/index.ts';

export interface ReaderReads {
  candles: RouterInputs['candles']['range'];
  indicator: RouterInputs['indicators']['compute'];
}

export type ReaderRequest =
  | ({ id: number; op: 'read' } & ReaderReads)
  | { id: number; op: 'hammer'; request: ReaderReads }
  | { id: number; op: 'stats' }
  | { id: number; op: 'close' };

export type ReaderReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
