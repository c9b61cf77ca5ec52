import type { SeriesRef, WickCache } from '@wick/cache';
import { INTERVALS } from '@wick/market';

/**
 * What a database command wrote behind Wick's back (`db:seed`, `db:import`): writes through the API
 * retire what they change themselves; these do not, so the cache must be told afterwards.
 */
export interface DataChange {
  /** Symbols whose candles changed: every interval of each (1m writes re-derive all of them). */
  candles: readonly string[];
  /** Symbols whose liquidations changed: their summaries, and the all-symbols one. */
  liquidations: readonly string[];
  /** Symbols may have been added or removed. */
  symbolList: boolean;
}

export interface RetireReport {
  series: number;
  namespaces: number;
  /**
   * What may still answer from the old data: series whose generation bump did not reach Valkey (or
   * a replica), or everything when the cache was not connected. Empty when all of it landed.
   */
  unconfirmed: string[];
}

// The global namespaces the API caches these answers under (packages/api services/symbols.ts and
// services/liquidations.ts); reseed.test.ts fails if they drift.
const SYMBOL_LIST_NAMESPACE = 'symbols';
const summaryNamespace = (symbol: string | null) => `liq-summary.${symbol ?? 'ALL'}`;

/** The series and namespaces a change retires. */
export function retirementOf(change: DataChange): { series: SeriesRef[]; namespaces: string[] } {
  const series = [...new Set(change.candles)].flatMap((symbol) => INTERVALS.map((interval) => ({ symbol, interval })));
  const liquidations = [...new Set(change.liquidations)];
  const namespaces = [
    ...(change.symbolList ? [SYMBOL_LIST_NAMESPACE] : []),
    ...(liquidations.length > 0 ? [...liquidations, null].map(summaryNamespace) : []),
  ];
  return { series, namespaces };
}

/**
 * Bumps the generation of every series and namespace the change touched, so no reader is answered
 * from what the cache held of the old data (on any process: the generation lives in Valkey). A bump
 * that cannot land stays pending only inside this process, which is about to exit: such series are
 * reported as unconfirmed (readVersion and readNamespaceVersion answer nothing while a bump is pending).
 */
export async function retireChangedData(
  cache: Pick<WickCache, 'invalidateSeries' | 'invalidateNamespace' | 'readVersion' | 'readNamespaceVersion'>,
  change: DataChange,
): Promise<RetireReport> {
  const { series, namespaces } = retirementOf(change);
  await Promise.all([...series.map((s) => cache.invalidateSeries(s)), ...namespaces.map((ns) => cache.invalidateNamespace(ns))]);
  const unconfirmed: string[] = [];
  for (const s of series) if ((await cache.readVersion(s)) === undefined) unconfirmed.push(`${s.symbol}:${s.interval}`);
  for (const ns of namespaces) if ((await cache.readNamespaceVersion(ns)) === undefined) unconfirmed.push(ns);
  return { series: series.length, namespaces: namespaces.length, unconfirmed };
}
