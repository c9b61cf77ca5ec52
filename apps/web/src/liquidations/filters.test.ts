import { describe, expect, it } from 'vitest';
import { exportHref, listFilter } from './filters.ts';

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
