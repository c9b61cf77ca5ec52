import { randomBytes } from 'node:crypto';
import { createCache, type CacheOptions, type CandleColumns, type WickCache } from '../src/index.ts';

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

export function candles(n: number, start = 1_700_000_000_000, stepMs = 60_000): CandleColumns {
  const time = new Float64Array(n),
    open = new Float64Array(n),
    high = new Float64Array(n);
  const low = new Float64Array(n),
    close = new Float64Array(n),
    volume = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    time[i] = start + i * stepMs;
    open[i] = p;
    p += Math.sin(i) * 0.5;
    close[i] = p;
    high[i] = Math.max(open[i]!, close[i]!) + 0.25;
    low[i] = Math.min(open[i]!, close[i]!) - 0.25;
    volume[i] = 1000 + (i % 17);
  }
  return { time, open, high, low, close, volume };
}
