import { cacheRouter } from './router/cache.ts';
import { candlesRouter } from './router/candles.ts';
import { dashboardRouter } from './router/dashboard.ts';
import { healthProcedure } from './router/health.ts';
import { indicatorsRouter } from './router/indicators.ts';
import { liquidationsRouter } from './router/liquidations.ts';
import { symbolsRouter } from './router/symbols.ts';
import { publicProcedure, router } from './trpc.ts';

/** The same 1,000 numbers a cached RSI answer carries: the tRPC floor the benchmarks compare against. */
const FLOOR_PAYLOAD = Array.from({ length: 1000 }, (_, i) => 50 + 20 * Math.sin(i / 17));

export const appRouter = router({
  symbols: symbolsRouter,
  candles: candlesRouter,
  indicators: indicatorsRouter,
  liquidations: liquidationsRouter,
  dashboard: dashboardRouter,
  cache: cacheRouter,
  health: healthProcedure,
  /** No-op procedures: the tRPC ceiling (tiny answer) and floor (1,000 numbers) on this machine. */
  noop: publicProcedure.query(() => ({ ok: true })),
  noopPayload: publicProcedure.query(() => ({ values: FLOOR_PAYLOAD })),
});

export type AppRouter = typeof appRouter;
