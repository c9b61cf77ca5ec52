import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GlideClusterClient } from '@valkey/valkey-glide';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache, seriesCodec } from '../src/index.ts';
import { SHARED_NODES, testPrefix } from './helpers.ts';

const worker = fileURLToPath(new URL('./fixtures/stampede-worker.ts', import.meta.url));
const prefix = testPrefix('stampede');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('stampede across processes', () => {
  it('1,000 concurrent cold calls from two Node processes → the loader runs exactly once; everyone gets the same value', async () => {
    const nodes = SHARED_NODES.map((n) => `${n.host}:${n.port}`).join(',');
    const child = spawn(process.execPath, ['--import', 'tsx', worker, prefix, '500', nodes], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const next = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));

    const cache = await createCache({ nodes: SHARED_NODES, prefix, requestTimeoutMs: 1000 });
    const counter = await GlideClusterClient.createClient({ addresses: SHARED_NODES });
    cleanups.push(async () => {
      await cache.clear();
      counter.close();
      await cache.close();
    });
    expect(await next()).toBe('ready');

    const load = async () => {
      await counter.incr(`${prefix}:{stampede}:loads`);
      await new Promise((r) => setTimeout(r, 150));
      const data = new Float64Array(5000).fill(1.5);
      data[0] = process.pid * 1e6 + Math.floor(Math.random() * 1e6);
      return { data };
    };
    const key = {
      kind: 'indicator',
      series: { symbol: 'STAMPEDE', interval: '1m' },
      indicator: 'rsi',
      params: '{"period":14}',
      window: 'w',
    } as const;
    const childResult = next();
    child.stdin!.write('go\n');
    const mine = await Promise.all(Array.from({ length: 500 }, () => cache.getOrLoad(key, load, { codec: seriesCodec, ttlSeconds: 60 })));
    const theirs = JSON.parse(await childResult) as { statuses: Record<string, number>; nonces: number[] };

    const loads = Number(await counter.get(`${prefix}:{stampede}:loads`));
    await counter.del([`${prefix}:{stampede}:loads`]);
    expect(loads).toBe(1);
    const nonces = new Set([...mine.map((r) => r.value.data![0]), ...theirs.nonces]);
    expect(nonces.size).toBe(1);
    for (const r of mine) expect(r.value.data!.subarray(1).every((x) => x === 1.5)).toBe(true);
    // One process computed (miss), the other read the filled value (hit) after waiting on the lock.
    const statuses = [...mine.map((r) => r.status), ...Object.entries(theirs.statuses).flatMap(([s, n]) => Array(n).fill(s))];
    expect(statuses.length).toBe(1000);
    expect(statuses.every((s) => s === 'hit' || s === 'miss')).toBe(true);
  });
});
