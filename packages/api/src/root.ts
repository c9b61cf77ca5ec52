import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { cacheRouter } from './router/cache.ts';
import { candlesRouter } from './router/candles.ts';
import { dashboardRouter } from './router/dashboard.ts';
import { healthProcedure } from './router/health.ts';
import { indicatorsRouter } from './router/indicators.ts';
import { liquidationsRouter } from './router/liquidations.ts';
import { symbolsRouter } from './router/symbols.ts';
import { publicProcedure, router } from './trpc.ts';

/**
 * The answer a cached RSI(14) over 1,000 candles gives, built once: the tRPC floor for that
 * payload, which the benchmarks compare the cached procedure against.
 */
const FLOOR_TIME0 = Date.UTC(2024, 0, 1);
const FLOOR_PAYLOAD = {
  symbol: 'BTCUSDT',
  interval: '1m',
  indicator: 'rsi',
  params: { period: 14 },
  time: Array.from({ length: 1000 }, (_, i) => FLOOR_TIME0 + i * 60_000),
  values: { value: Array.from({ length: 1000 }, (_, i) => 50 + 20 * Math.sin(i / 17)) },
  cache: { status: 'hit', ageMs: 0 },
  computeMs: 0.1,
};

export const appRouter = router({
  symbols: symbolsRouter,
  candles: candlesRouter,
  indicators: indicatorsRouter,
  liquidations: liquidationsRouter,
  dashboard: dashboardRouter,
  cache: cacheRouter,
  health: healthProcedure,
  /** No-op procedures: the tRPC ceiling (tiny answer) and the floor for a cached indicator answer. */
  noop: publicProcedure.query(() => ({ ok: true })),
  noopPayload: publicProcedure.query(() => FLOOR_PAYLOAD),
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
