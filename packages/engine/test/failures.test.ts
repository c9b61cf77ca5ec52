import { afterEach, describe, expect, it } from 'vitest';
import { computeIndicator } from '@wick/indicators';
import { EngineAbortedError, EngineClosedError, EngineOverloadedError, EngineTaskError, EngineTimeoutError } from '../src/index.ts';
import type { Engine, EngineOptions } from '../src/index.ts';
import { createEngineWithWorker } from '../src/engine.ts';
import { randomCandles } from './fixtures/candles.ts';

// Sentinels understood by test/fixtures/crash-worker.mjs (first close value).
const EXIT = 666001;
const THROW = 666002;
const HANG = 666003;
const CRASH_WORKER = new URL('./fixtures/crash-worker.mjs', import.meta.url);
const N = 3_000;

const engines: Engine[] = [];
function engine(options: EngineOptions): Engine {
  const e = createEngineWithWorker({ inlineMaxCandles: 0, taskTimeoutMs: 120_000, ...options }, CRASH_WORKER);
  engines.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function candles(sentinel?: number) {
  const c = randomCandles(N);
  if (sentinel !== undefined) c.close[0] = sentinel;
  return c;
}
const sma = { indicator: 'sma', params: { period: 10 } };
const expectedSma = () => computeIndicator('sma', randomCandles(N), { period: 10 }).value;
/** One successful task: the pool has booted, so what follows runs on a live worker. */
async function warmUp(e: Engine): Promise<void> {
  expect((await e.compute(candles(), sma)).outputs.value).toEqual(expectedSma());
}

describe('failures stay with their task', () => {
  it('a worker that exits fails only its task; the pool heals', async () => {
    const e = engine({ threads: 2 });
    const [crashed, healthy] = await Promise.allSettled([e.compute(candles(EXIT), sma), e.compute(candles(), sma)]);
    expect(crashed.status).toBe('rejected');
    const err = (crashed as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(EngineTaskError);
    expect(err).toMatchObject({ code: 'WORKER_FAILED' });
    expect(healthy.status === 'fulfilled' && healthy.value.outputs.value).toEqual(expectedSma());
    for (let i = 0; i < 4; i++) expect((await e.compute(candles(), sma)).outputs.value).toEqual(expectedSma());
    const s = e.stats();
    expect(s.failed).toBe(1);
    expect(s.completed).toBe(5);
    expect(s.threads).toBe(2);
  });

  it('a worker that throws fails only its task, message kept', async () => {
    const e = engine({ threads: 1 });
    await expect(e.compute(candles(THROW), sma)).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringContaining('boom from the test worker'),
    });
    expect((await e.compute(candles(), sma)).outputs.value).toEqual(expectedSma());
  });

  it('a crash inside computeMany rejects the batch, not the engine', async () => {
    const e = engine({ threads: 1 });
    await expect(e.computeMany(candles(EXIT), [sma, sma])).rejects.toBeInstanceOf(EngineTaskError);
    const ok = await e.computeMany(candles(), [sma]);
    expect(ok[0]?.ok).toBe(true);
  });
});

describe('timeouts and aborts', () => {
  it('a task past its budget rejects with TIMEOUT and its worker is replaced', async () => {
    const e = engine({ threads: 1, taskTimeoutMs: 300 });
    await warmUp(e);
    const err = await e.compute(candles(HANG), sma).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EngineTimeoutError);
    expect(err).toMatchObject({ code: 'TIMEOUT', timeoutMs: 300 });
    // The replacement worker needs ~0.5–1 s to boot (tsx + kernels), longer than this budget.
    expect((await e.compute(candles(), sma, { timeoutMs: 30_000 })).outputs.value).toEqual(expectedSma());
    expect(e.stats().timedOut).toBe(1);
  });

  it('a per-call timeoutMs overrides the default', async () => {
    const e = engine({ threads: 1, taskTimeoutMs: 60_000 });
    await warmUp(e);
    await expect(e.compute(candles(HANG), sma, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('the caller’s AbortSignal aborts a running task with ABORTED', async () => {
    const e = engine({ threads: 1 });
    await warmUp(e);
    const ac = new AbortController();
    const running = e.compute(candles(HANG), sma, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user went away')), 150);
    const err = await running.catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EngineAbortedError);
    expect(err).toMatchObject({ code: 'ABORTED' });
    expect((await e.compute(candles(), sma)).outputs.value).toEqual(expectedSma());
  });

  it('an already-aborted signal rejects before any work, inputs untouched', async () => {
    const e = engine({ threads: 1 });
    const cols = candles();
    await expect(e.compute(cols, sma, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(cols.close.length).toBe(N);
  });
});

describe('bounded queue', () => {
  it('rejects with OVERLOADED once running + queued tasks reach threads + maxQueue', async () => {
    const e = engine({ threads: 1, maxQueue: 1, taskTimeoutMs: 60_000 });
    await warmUp(e);
    const ac = new AbortController();
    const running = e.compute(candles(HANG), sma, { signal: ac.signal }).catch((x: unknown) => x);
    const queued = e.compute(candles(), sma, { signal: ac.signal }).catch((x: unknown) => x);
    const err = await e.compute(candles(), sma).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(EngineOverloadedError);
    // The refusal says when to come back: the server turns it into the 429's Retry-After.
    expect(err).toMatchObject({ code: 'OVERLOADED', maxQueue: 1, retryAfterMs: 1000 });
    const s = e.stats();
    expect(s.rejected).toBe(1);
    expect(s.running).toBe(1);
    expect(s.queueSize).toBe(1);
    ac.abort();
    expect(await running).toBeInstanceOf(EngineAbortedError);
    expect(await queued).toBeInstanceOf(EngineAbortedError);
    // Room again once they are gone.
    expect((await e.compute(candles(), sma)).outputs.value).toEqual(expectedSma());
    expect(e.stats().queueSize).toBe(0);
  });
});

describe('lifecycle and stats', () => {
  it('counts completed, failed and inline runs', async () => {
    const e = createEngineWithWorker({ threads: 1, inlineMaxCandles: 100, taskTimeoutMs: 120_000 }, CRASH_WORKER);
    engines.push(e);
    await e.compute(randomCandles(50), sma);
    await e.compute(candles(), sma);
    await e.compute(candles(), { indicator: 'sma', params: { period: 0 } }).catch(() => undefined);
    const s = e.stats();
    expect(s).toMatchObject({ inlineRuns: 1, completed: 1, failed: 1, timedOut: 0, rejected: 0, queueSize: 0, running: 0 });
    expect(s.runTimeMs.p50).toBeGreaterThan(0);
    expect(s.runTimeMs.p99).toBeGreaterThanOrEqual(s.runTimeMs.p50);
    expect(s.utilization).toBeGreaterThan(0);
    expect(s.utilization).toBeLessThanOrEqual(1);
  });

  it('rejects with CLOSED after close()', async () => {
    const e = engine({ threads: 1 });
    await e.close();
    await expect(e.compute(candles(), sma)).rejects.toBeInstanceOf(EngineClosedError);
    await expect(e.compute(candles(), sma)).rejects.toMatchObject({ code: 'CLOSED', retryAfterMs: 1000 });
  });
});
