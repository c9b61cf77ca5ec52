/** The table's filters; the export link and every page of the list use the same ones. */
export interface LiquidationFilters {
  symbol?: string | undefined;
  side?: 'BUY' | 'SELL' | undefined;
  minUsd?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** The same filters as the list, in the HTTP export's query string (absent fields left out). */
export function exportHref(format: 'csv' | 'ndjson', f: LiquidationFilters): string {
  const params = new URLSearchParams();
  if (f.symbol) params.set('symbol', f.symbol);
  if (f.side) params.set('side', f.side);
  if (f.minUsd !== undefined) params.set('minUsd', String(f.minUsd));
  if (f.from !== undefined) params.set('from', String(f.from));
  if (f.to !== undefined) params.set('to', String(f.to));
  const query = params.toString();
  return `/export/liquidations.${format}${query ? `?${query}` : ''}`;
}

/** The list input for these filters, without the undefined keys (they would change the cache key). */
export function listFilter(f: LiquidationFilters): LiquidationFilters {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as LiquidationFilters;
}

/** Whether a row passes the filters, as the server decides it (from/to inclusive, USD ≥ minUsd). */
export function matchesFilters(
  row: { symbol: string; side: 'BUY' | 'SELL'; usd: string; orderTradeTime: number },
  f: LiquidationFilters,
): boolean {
  return (
    (f.symbol === undefined || row.symbol === f.symbol) &&
    (f.side === undefined || row.side === f.side) &&
    (f.minUsd === undefined || Number(row.usd) >= f.minUsd) &&
    (f.from === undefined || row.orderTradeTime >= f.from) &&
    (f.to === undefined || row.orderTradeTime <= f.to)
  );
}
