// Starts reader-process.ts as a separate Node process and talks to it over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CacheStats } from '@wick/cache';
import type { RouterOutputs } from '../../src/index.ts';
import type { ReaderReads, ReaderReply, ReaderRequest } from './reader-protocol.ts';

export interface ReadResult {
  candles: RouterOutputs['candles']['range'];
  indicator: RouterOutputs['indicators']['compute'];
}

export interface ReaderProcess {
  read(reads: ReaderReads): Promise<ReadResult>;
  /** Keeps reading `reads` back to back until stats() or close(). */
  hammer(reads: ReaderReads): Promise<void>;
  /** Stops the hammer and answers the process's cache stats. */
  stats(): Promise<CacheStats>;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./reader-process.ts', import.meta.url));
type Outgoing = ReaderRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export async function startReaderProcess(env: { databaseUrl: string; cachePrefix: string; valkeyNodes: string }): Promise<ReaderProcess> {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      READER_DATABASE_URL: env.databaseUrl,
      READER_CACHE_PREFIX: env.cachePrefix,
      READER_VALKEY_NODES: env.valkeyNodes,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`reader process exited with ${code} before it was ready`)));
    pending.set(0, { resolve: () => resolve(), reject });
  });
  child.on('message', (reply: ReaderReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(`reader process: ${reply.error}`));
  });
  child.on('exit', (code) => {
    for (const w of pending.values()) w.reject(new Error(`reader process exited with ${code}`));
    pending.clear();
  });
  await ready;

  const call = <T>(request: Outgoing): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    });

  return {
    read: (reads) => call<ReadResult>({ op: 'read', ...reads }),
    hammer: (request) => call<void>({ op: 'hammer', request }),
    stats: () => call<CacheStats>({ op: 'stats' }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await call<void>({ op: 'close' }).catch(() => undefined);
      // Everything it opened is closed by now; a handle left behind must not keep it alive.
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}
