import { randomBytes } from 'node:crypto';
import { createCache, type CacheOptions, type WickCache } from '../src/index.ts';

/** The shared cluster (other engineers use it too): only ever touch keys under a test prefix. */
export const SHARED_NODES = [{ host: '127.0.0.1', port: 7000 }];

export function testPrefix(tag = 't'): string {
  return `wickt-${tag}-${randomBytes(4).toString('hex')}`;
}

export async function sharedCache(opts: Partial<CacheOptions> = {}): Promise<WickCache> {
  return createCache({ nodes: SHARED_NODES, prefix: testPrefix(), requestTimeoutMs: 500, ...opts });
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Polls `condition` until it holds, at most `attempts` times `stepMs` apart; throws if it never
 * does. A budget of tries, not a stopwatch: nothing here reads the clock. `state` describes what
 * the condition saw, for the error when it is never met.
 */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  attempts: number,
  stepMs = 50,
  state?: () => string,
): Promise<number> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (await condition()) return attempt;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`condition not met after ${attempts} attempts${state ? `: ${state()}` : ''}`);
}

/** Blocks the event loop, as a busy process does (CPU-bound work, a long GC pause). */
export function stallEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
