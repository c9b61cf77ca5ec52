/**
 * Pool overhead (pnpm --filter @wick/engine bench). Prints tables; never fails on time.
 *  1. tiny tasks through the engine vs a bare Piscina no-op (same run): awaited latency and tasks/s;
 *  2. RSI(14) over 5,000 candles through the pool vs inline, p50/p99;
 *  3. the inline/pool crossover by series length that sets DEFAULT_INLINE_MAX_CANDLES.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import { createEngine, DEFAULT_INLINE_MAX_CANDLES } from '../src/index.ts';
import type { ComputeItem } from '../src/index.ts';
import { indicators, requiredColumns } from '@wick/indicators';
import type { Columns } from '@wick/indicators';
import { randomCandles, copyColumns } from '../test/fixtures/candles.ts';

// BENCH_SMOKE=1 (the README test): every table, a few iterations each.
const smoke = process.env.BENCH_SMOKE === '1';
const quick = smoke || process.argv.includes('--quick');
const scale = smoke ? 0.01 : quick ? 0.2 : 1;
if (smoke) console.log('engine: smoke run (BENCH_SMOKE=1): a few iterations per table; the figures mean nothing');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function summary(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}
const fmt = (ms: number, digits = 3): string => (Number.isFinite(ms) ? ms.toFixed(digits) : '–');
const us = (ms: number): string => (Number.isFinite(ms) ? (ms * 1000).toFixed(1) : '–');

/** On-CPU time of the main thread (Linux schedstat, ns precision); Node 20 has no threadCpuUsage. */
function mainThreadCpuMs(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return Number(fields[0]) / 1e6;
  } catch {
    return performance.eventLoopUtilization().active;
  }
}

/** Sequential awaited calls; the input of each call is prepared outside the timed region. */
async function latency(reps: number, warmup: number, prepare: () => unknown, call: (input: never) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const input = prepare();
    const t0 = performance.now();
    await call(input as never);
    if (i >= warmup) samples.push(performance.now() - t0);
  }
  return samples;
}

/** Throughput with `window` calls in flight. */
async function throughput(total: number, window: number, call: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  async function lane(): Promise<void> {
    while (started < total) {
      started++;
      await call();
    }
  }
  await Promise.all(Array.from({ length: window }, lane));
  return total / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const threads = 2;
  const pooled = createEngine({ threads, inlineMaxCandles: 0, maxQueue: 10_000, taskTimeoutMs: 60_000 });
  const inline = createEngine({ threads: 1, inlineMaxCandles: 100_000_000 });
  const bare = new Piscina({ filename: new URL('./noop-worker.mjs', import.meta.url).href, minThreads: threads, maxThreads: threads });
  // Let workers boot (tsx registration + kernels) before timing anything.
  const tiny = randomCandles(16);
  const tinyItem: ComputeItem = { indicator: 'sma', params: { period: 2 } };
  await Promise.all(Array.from({ length: 8 }, () => pooled.compute(copyColumns(tiny), tinyItem)));
  await Promise.all(Array.from({ length: 8 }, () => bare.run({ close: tiny.close.slice() })));

  // 1. tiny tasks
  const seqReps = Math.round(5_000 * scale);
  const bareLat = summary(
    await latency(
      seqReps,
      500,
      () => ({ close: tiny.close.slice() }),
      (t: object) => bare.run(t),
    ),
  );
  const engLat = summary(
    await latency(
      seqReps,
      500,
      () => copyColumns(tiny),
      (c: ReturnType<typeof copyColumns>) => pooled.compute(c, tinyItem),
    ),
  );
  const total = Math.round(40_000 * scale);
  const bareTput = await throughput(total, 64, () => bare.run({ close: tiny.close.slice() }));
  const engTput = await throughput(total, 64, () => pooled.compute(copyColumns(tiny), tinyItem));
  console.log(`\n## Tiny tasks (SMA(2) over 16 candles), ${threads} worker threads\n`);
  console.log('| path | awaited p50 µs | awaited p99 µs | tasks/s (64 in flight) | vs bare Piscina tasks/s |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| bare Piscina no-op (baseline) | ${us(bareLat.p50)} | ${us(bareLat.p99)} | ${bareTput.toFixed(0)} | 1.00× |`);
  console.log(
    `| engine.compute (worker) | ${us(engLat.p50)} | ${us(engLat.p99)} | ${engTput.toFixed(0)} | ${(engTput / bareTput).toFixed(2)}× |`,
  );

  // 2. RSI(14) over 5,000 candles
  const c5k = randomCandles(5_000);
  const rsi: ComputeItem = { indicator: 'rsi', params: { period: 14 } };
  const reps = Math.round(2_000 * scale);
  const rsiPool = summary(
    await latency(
      reps,
      200,
      () => copyColumns(c5k),
      (c: ReturnType<typeof copyColumns>) => pooled.compute(c, rsi),
    ),
  );
  const rsiInline = summary(
    await latency(
      reps,
      200,
      () => copyColumns(c5k),
      (c: ReturnType<typeof copyColumns>) => inline.compute(c, rsi),
    ),
  );
  console.log('\n## RSI(14) over 5,000 candles, awaited one at a time\n');
  console.log('| path | p50 ms | p99 ms | p50 vs inline |');
  console.log('|---|---:|---:|---:|');
  console.log(`| inline (baseline) | ${fmt(rsiInline.p50)} | ${fmt(rsiInline.p99)} | 1.00× |`);
  console.log(`| worker pool | ${fmt(rsiPool.p50)} | ${fmt(rsiPool.p99)} | ${(rsiPool.p50 / rsiInline.p50).toFixed(2)}× |`);

  // 3. Where inline stops paying. A pool task never returns sooner than inline on an idle box (same
  // kernel plus a round trip); what it buys is a free event loop. So compare what each path costs
  // the MAIN thread: inline = the whole compute; pool = dispatch + reply handling, measured as the
  // main thread's own CPU time per task (schedstat; event-loop utilisation would count the time
  // the main thread sits descheduled while 2 workers hold both cores). Inline wins while cheaper.
  const sizes = smoke ? [500, 8_000] : quick ? [500, 2_000, 8_000, 32_000] : [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000];
  const kernels: ComputeItem[] = [
    { indicator: 'sma', params: { period: 20 } },
    rsi,
    { indicator: 'bbands', params: { period: 20 } },
    { indicator: 'atr', params: { period: 14 } },
    { indicator: 'adx', params: { period: 14 } },
    { indicator: 'ichimoku', params: {} },
  ].filter((k) => indicators.has(k.indicator));
  console.log('\n## Main-thread cost per call by series length, µs (inline = whole compute, p50 wall; pool = main-thread CPU per task)\n');
  console.log(`| candles | ${kernels.map((k) => `${k.indicator} inline | ${k.indicator} pool`).join(' | ')} |`);
  console.log(`|---:|${kernels.map(() => '---:|---:').join('|')}|`);
  const crossover = new Map<string, number>();
  for (const n of sizes) {
    const cols = randomCandles(n);
    const count = smoke ? 10 : Math.max(40, Math.min(quick ? 200 : 600, Math.round(4_000_000 / n)));
    const cells: string[] = [];
    for (const k of kernels) {
      const needed = requiredColumns(k.indicator);
      const fresh = (): Columns => {
        const c: Partial<Columns> = {};
        for (const name of needed) c[name] = cols[name].slice();
        return c as Columns;
      };
      const inl = summary(await latency(count, 20, fresh, (c: Columns) => inline.compute(c, k))).p50;
      const inputs = Array.from({ length: count }, fresh);
      const cpu0 = mainThreadCpuMs();
      let next = 0;
      await Promise.all(
        [0, 1].map(async () => {
          while (next < inputs.length) await pooled.compute(inputs[next++]!, k);
        }),
      );
      const mainMs = (mainThreadCpuMs() - cpu0) / count;
      if (mainMs < inl && !crossover.has(k.indicator)) crossover.set(k.indicator, n);
      cells.push(us(inl), us(mainMs));
    }
    console.log(`| ${n} | ${cells.join(' | ')} |`);
  }
  console.log(
    '\nFirst length where a pool task costs the main thread less than computing inline: ' +
      kernels.map((k) => `${k.indicator} ${crossover.get(k.indicator) ?? `> ${sizes.at(-1)}`}`).join(', ') +
      `. Configured DEFAULT_INLINE_MAX_CANDLES = ${DEFAULT_INLINE_MAX_CANDLES}.`,
  );

  const s = pooled.stats();
  console.log(
    `\nengine stats: completed ${s.completed}, runTime p50 ${fmt(s.runTimeMs.p50)} ms, p99 ${fmt(s.runTimeMs.p99)} ms, utilization ${s.utilization.toFixed(2)}`,
  );
  await Promise.all([pooled.close(), inline.close(), bare.close()]);
}

await main();
