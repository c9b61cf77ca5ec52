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
  const candles = new CandleService({ database, cache, symbols, metrics });
  const indicators = new IndicatorService({ cache, candles, engine, budgetMs: deps.budgetMs });
  const liquidations = new LiquidationService({ database, cache, cursorSecret: deps.cursorSecret });
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
