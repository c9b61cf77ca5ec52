import type { WickCache } from '@wick/cache';
import type { Database } from '@wick/db';
import type { Engine } from '@wick/engine';
import type { ApiMetrics } from '../metrics.ts';
import { CandleService } from './candles.ts';
import { HealthService } from './health.ts';
import { IndicatorService } from './indicators.ts';
import { SymbolService } from './symbols.ts';

export interface ServiceDeps {
  database: Database;
  cache: WickCache;
  engine: Engine;
  metrics: ApiMetrics;
  budgetMs: number;
}

/** Everything the routers call; built once per process. Routers never touch Valkey or SQL directly. */
export interface Services {
  symbols: SymbolService;
  candles: CandleService;
  indicators: IndicatorService;
  health: HealthService;
  cache: Pick<WickCache, 'stats' | 'invalidateSeries' | 'invalidateSymbol' | 'clear'>;
  rateLimit: WickCache['rateLimit'];
}

export function createServices(deps: ServiceDeps): Services {
  const { database, cache, engine, metrics } = deps;
  const symbols = new SymbolService({ database, cache });
  const candles = new CandleService({ database, cache, symbols, metrics });
  return {
    symbols,
    candles,
    indicators: new IndicatorService({ cache, candles, engine, budgetMs: deps.budgetMs }),
    health: new HealthService({ database, cache, engine }),
    cache: {
      stats: () => cache.stats(),
      invalidateSeries: (s) => cache.invalidateSeries(s),
      invalidateSymbol: (s) => cache.invalidateSymbol(s),
      clear: () => cache.clear(),
    },
    rateLimit: (id, limit, windowMs) => cache.rateLimit(id, limit, windowMs),
  };
}

export type { IndicatorResult, BatchItem } from './indicators.ts';
