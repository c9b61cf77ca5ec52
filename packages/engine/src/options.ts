import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { EngineError } from './errors.ts';

export interface EngineOptions {
  /** Worker threads (env WICK_ENGINE_THREADS). Default max(2, cores − 1). */
  threads?: number;
  /** Tasks allowed to wait for a free worker before compute() rejects with OVERLOADED (env WICK_ENGINE_MAX_QUEUE). */
  maxQueue?: number;
  /** Budget per task, queue wait included (env WICK_ENGINE_TASK_TIMEOUT_MS). */
  taskTimeoutMs?: number;
  /** Work of at most this many candles × indicators runs on the calling thread (env WICK_ENGINE_INLINE_MAX_CANDLES). */
  inlineMaxCandles?: number;
}

export type ResolvedOptions = Required<EngineOptions>;

/**
 * From bench/pool.bench.ts on the 2-core box: an awaited tiny task costs ~190 µs through the engine
 * (bare Piscina no-op: ~70 µs), and a pool task costs the MAIN thread ~80–160 µs of CPU (param
 * validation, detaching columns, postMessage, reply handling) whatever the series length; a worker
 * never answers sooner than inline on an idle box. Inline costs the whole kernel: at 2,000 candles
 * ~17 µs (rsi), ~27–30 µs (sma, atr), ~55 µs (bbands, adx), ~180 µs (ichimoku). A pool task
 * becomes the cheaper option for the main thread near 8,000 candles (bbands, adx), 16,000 (sma,
 * rsi, atr) and 2,000 (ichimoku). 2,000 keeps every common chart request (the standard one is
 * RSI over 1,000 candles, ~10 µs) on the calling thread with no round trip, and no inline run
 * blocks the event loop for more than ~0.2 ms. Compared against candles × items (computeMany).
 */
export const DEFAULT_INLINE_MAX_CANDLES = 2_000;

const optionsSchema = z.object({
  threads: z.number().int().min(1).max(256),
  maxQueue: z.number().int().min(0).max(1_000_000),
  taskTimeoutMs: z.number().int().min(1).max(3_600_000),
  inlineMaxCandles: z.number().int().min(0).max(100_000_000),
});

function fromEnv(env: NodeJS.ProcessEnv, key: string): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new EngineError('INVALID_OPTIONS', `${key} must be a number, got "${raw}"`);
  return n;
}

export function resolveOptions(
  options: EngineOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): ResolvedOptions {
  // One core stays with the event loop (HTTP, superjson, cache I/O) on bigger boxes; at least 2
  // workers so one long 1 M-candle task never blocks every short one behind it.
  const threads = options.threads ?? fromEnv(env, 'WICK_ENGINE_THREADS') ?? Math.max(2, cores - 1);
  const candidate = {
    threads,
    maxQueue: options.maxQueue ?? fromEnv(env, 'WICK_ENGINE_MAX_QUEUE') ?? threads * 64,
    taskTimeoutMs: options.taskTimeoutMs ?? fromEnv(env, 'WICK_ENGINE_TASK_TIMEOUT_MS') ?? 5_000,
    inlineMaxCandles: options.inlineMaxCandles ?? fromEnv(env, 'WICK_ENGINE_INLINE_MAX_CANDLES') ?? DEFAULT_INLINE_MAX_CANDLES,
  };
  const parsed = optionsSchema.safeParse(candidate);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new EngineError('INVALID_OPTIONS', `invalid engine options: ${detail}`);
  }
  return parsed.data;
}
