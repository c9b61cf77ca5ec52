import { useState } from 'react';
import { exportHref, type LiquidationFilters } from './filters.ts';
import { LiquidationFiltersForm } from './liquidation-filters.tsx';
import { LiquidationTable } from './liquidation-table.tsx';

/** Filters, the endless table and the export buttons, all on the same filters. */
export function LiquidationsSection({ symbol }: { symbol: string | null }) {
  const [filters, setFilters] = useState<Omit<LiquidationFilters, 'symbol'>>({});
  const [allSymbols, setAllSymbols] = useState(false);
  const effective: LiquidationFilters = { ...filters, symbol: allSymbols ? undefined : (symbol ?? undefined) };
  return (
    <section className="liquidations panel" aria-label="Liquidations">
      <header className="panel-head">
        <h2>Liquidations</h2>
        <label className="check">
          <input type="checkbox" checked={allSymbols} onChange={(e) => setAllSymbols(e.target.checked)} /> all symbols
        </label>
        <div className="exports">
          <a className="button" href={exportHref('csv', effective)} download data-testid="export-csv">
            Export CSV
          </a>
          <a className="button" href={exportHref('ndjson', effective)} download data-testid="export-ndjson">
            Export NDJSON
          </a>
        </div>
      </header>
      <LiquidationFiltersForm key={symbol ?? ''} value={effective} onChange={({ symbol: _symbol, ...rest }) => setFilters(rest)} />
      <LiquidationTable key={JSON.stringify(effective)} filters={effective} />
    </section>
  );
}
