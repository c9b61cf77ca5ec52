import type { WickCache } from '@wick/cache';
import type { Database } from '@wick/db';
import type { Engine } from '@wick/engine';
import type { ApiMetrics } from '../metrics.ts';
import { CandleService } from './candles.ts';
import { DashboardService } from './dashboard.ts';
import { HealthService } from './health.ts';
import { IndicatorService } from './indicators.ts';
import { LiquidationService } from './liquidations.ts';
import { SymbolService } from './symbols.ts';

export interface ServiceDeps {
  database: Database;
  cache: WickCache;
  engine: Engine;
  metrics: ApiMetrics;
  budgetMs: number;
  /** HMAC key of liquidation cursors (ApiConfig.cursorSecret). */
  cursorSecret: string;
  /**
   * Advance cached "latest N" candle windows and indicator results from the series head after
   * writes that only touch the newest candles, instead of dropping them (default: on, unless the
   * environment says APPEND_AWARE=0). Off, every write bumps the series generation. All processes
   * sharing a cache must agree: readers that do not advance never look at the head.
   */
  appendAware?: boolean;
}

/** The APPEND_AWARE switch when the caller does not pass one: on unless it is "0" (the benchmark's off run). */
export function appendAwareFromEnv(env: Record<string, string | undefined> = process.env): boolean {
  return env.APPEND_AWARE !== '0';
}

/** Everything the routers call; built once per process. Routers never touch Valkey or SQL directly. */
export interface Services {
  symbols: SymbolService;
  candles: CandleService;
  indicators: IndicatorService;
  health: HealthService;
  liquidations: LiquidationService;
  dashboard: DashboardService;
  cache: Pick<WickCache, 'stats' | 'invalidateSeries' | 'invalidateSymbol' | 'clear'>;
  rateLimit: WickCache['rateLimit'];
}

export function createServices(deps: ServiceDeps): Services {
  const { database, cache, engine, metrics } = deps;
  const symbols = new SymbolService({ database, cache });
  const appendAware = deps.appendAware ?? appendAwareFromEnv();
  const candles = new CandleService({ database, cache, symbols, metrics, appendAware });
  const indicators = new IndicatorService({ cache, candles, engine, budgetMs: deps.budgetMs });
  const liquidations = new LiquidationService({ database, cache, symbols, cursorSecret: deps.cursorSecret });
  return {
    symbols,
    candles,
    indicators,
    health: new HealthService({ database, cache, engine }),
    liquidations,
    dashboard: new DashboardService({ candles, indicators, liquidations }),
    cache: {
      stats: () => cache.stats(),
      invalidateSeries: (s) => cache.invalidateSeries(s),
      invalidateSymbol: (s) => cache.invalidateSymbol(s),
      clear: () => cache.clear(),
    },
    rateLimit: (id, limit, windowMs) => cache.rateLimit(id, limit, windowMs),
  };
}
