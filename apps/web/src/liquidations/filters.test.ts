import { describe, expect, it } from 'vitest';
import { exportHref, listFilter, matchesFilters } from './filters.ts';

describe('export link', () => {
  it('carries exactly the filters that are set', () => {
    expect(exportHref('csv', { symbol: 'BTCUSDT', side: 'SELL', minUsd: 10_000, from: 1_704_067_200_000 })).toBe(
      '/export/liquidations.csv?symbol=BTCUSDT&side=SELL&minUsd=10000&from=1704067200000',
    );
    expect(exportHref('ndjson', {})).toBe('/export/liquidations.ndjson');
  });

  it('the list input leaves unset filters out', () => {
    expect(listFilter({ symbol: 'ETHUSDT', side: undefined, minUsd: 0 })).toEqual({ symbol: 'ETHUSDT', minUsd: 0 });
  });
});

describe('a live row against the table filters', () => {
  const row = { symbol: 'BTCUSDT', side: 'SELL' as const, usd: '25000.5', orderTradeTime: 1000 };
  it('passes exactly when every filter that is set passes, bounds inclusive as on the server', () => {
    expect(matchesFilters(row, {})).toBe(true);
    expect(matchesFilters(row, { symbol: 'BTCUSDT', side: 'SELL', minUsd: 25000.5, from: 1000, to: 1000 })).toBe(true);
    expect(matchesFilters(row, { symbol: 'ETHUSDT' })).toBe(false);
    expect(matchesFilters(row, { side: 'BUY' })).toBe(false);
    expect(matchesFilters(row, { minUsd: 25000.6 })).toBe(false);
    expect(matchesFilters(row, { from: 1001 })).toBe(false);
    expect(matchesFilters(row, { to: 999 })).toBe(false);
  });
});
