import type { Connection, PoolConnection } from 'mysql2/promise';
import type { Database } from './client.ts';
import { toDbError } from './errors.ts';

export interface StreamOptions {
  signal?: AbortSignal;
  /** Rows per yielded batch (default 1,000). */
  batchSize?: number;
}

interface CoreQuery {
  on(event: 'result', fn: (row: unknown[]) => void): CoreQuery;
  on(event: 'end', fn: () => void): CoreQuery;
  on(event: 'error', fn: (err: Error & { fatal?: boolean }) => void): CoreQuery;
}
interface CoreConnection {
  query(options: { sql: string; values: unknown[]; rowsAsArray: boolean }): CoreQuery;
  pause(): void;
  resume(): void;
  threadId: number | null;
  stream: { destroy(): void };
}

/**
 * Streams a result set as batches of row arrays on one pooled connection. Backpressure: once two
 * batches wait unread, the socket is paused (the server then blocks on its send buffer). If the
 * consumer stops early (break, throw, abort), the query is killed and the connection destroyed:
 * a half-read result cannot be skipped without reading it all, which for an export of millions
 * of rows would hold the connection for seconds.
 */
export async function* streamBatches(
  database: Database,
  sql: string,
  values: unknown[],
  opts: StreamOptions = {},
): AsyncGenerator<unknown[][], void, undefined> {
  const { signal } = opts;
  const batchSize = opts.batchSize ?? 1000;
  signal?.throwIfAborted();
  let pooled: PoolConnection;
  try {
    pooled = await database.pool.getConnection();
  } catch (err) {
    throw toDbError(err);
  }
  const conn = (pooled as unknown as { connection: Connection }).connection as unknown as CoreConnection;
  let batch: unknown[][] = [];
  const ready: unknown[][][] = [];
  let ended = false;
  let failure: (Error & { fatal?: boolean }) | null = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  conn
    .query({ sql, values, rowsAsArray: true })
    .on('result', (row) => {
      batch.push(row);
      if (batch.length >= batchSize) {
        ready.push(batch);
        batch = [];
        if (ready.length >= 2 && !paused) {
          paused = true;
          conn.pause();
        }
        notify();
      }
    })
    .on('end', () => {
      if (batch.length > 0) ready.push(batch);
      batch = [];
      ended = true;
      notify();
    })
    .on('error', (err) => {
      failure = err;
      notify();
    });
  signal?.addEventListener('abort', notify);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const next = ready.shift();
      if (next) {
        if (paused && ready.length < 2) {
          paused = false;
          conn.resume();
        }
        yield next;
        continue;
      }
      if (failure) throw toDbError(failure);
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    const f = failure as (Error & { fatal?: boolean }) | null;
    if (ended || (f && !f.fatal)) {
      pooled.release();
    } else {
      const threadId = conn.threadId;
      pooled.destroy();
      // destroy() only half-closes a paused socket: the server would sit in "Writing to net",
      // where KILL QUERY cannot reach it, until net_write_timeout. Closing the socket outright
      // makes its next write fail at once.
      conn.stream.destroy();
      // Stop the server-side work now rather than at its next failed write. The destroyed
      // connection freed a slot, so this rarely waits; bounded anyway, and best effort.
      if (threadId !== null && !f) {
        const kill = database.pool.query(`KILL QUERY ${Number(threadId)}`).then(
          () => undefined,
          () => undefined,
        );
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([kill, new Promise<void>((r) => (timer = setTimeout(r, 1000)))]);
        clearTimeout(timer);
      }
    }
  }
}
