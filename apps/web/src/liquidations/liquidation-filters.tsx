import { useState } from 'react';
import type { LiquidationFilters } from './filters.ts';

const toInput = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 16));
const fromInput = (text: string) => (text ? Date.parse(`${text}:00Z`) : undefined);

/** Side, minimum USD and a UTC time range; applied together so one change is one new list. */
export function LiquidationFiltersForm({ value, onChange }: { value: LiquidationFilters; onChange: (f: LiquidationFilters) => void }) {
  const [draft, setDraft] = useState({
    side: value.side ?? '',
    minUsd: value.minUsd === undefined ? '' : String(value.minUsd),
    from: toInput(value.from),
    to: toInput(value.to),
  });
  return (
    <form
      className="filters"
      aria-label="Liquidation filters"
      onSubmit={(e) => {
        e.preventDefault();
        const minUsd = draft.minUsd.trim() === '' ? undefined : Number(draft.minUsd);
        onChange({
          symbol: value.symbol,
          side: draft.side === 'BUY' || draft.side === 'SELL' ? draft.side : undefined,
          minUsd: minUsd !== undefined && Number.isFinite(minUsd) ? minUsd : undefined,
          from: fromInput(draft.from),
          to: fromInput(draft.to),
        });
      }}
    >
      <label className="field">
        <span>Side</span>
        <select value={draft.side} onChange={(e) => setDraft({ ...draft, side: e.target.value })} aria-label="Side">
          <option value="">Both</option>
          <option value="SELL">Longs liquidated (SELL)</option>
          <option value="BUY">Shorts liquidated (BUY)</option>
        </select>
      </label>
      <label className="field">
        <span>Min USD</span>
        <input
          inputMode="decimal"
          value={draft.minUsd}
          onChange={(e) => setDraft({ ...draft, minUsd: e.target.value })}
          aria-label="Minimum USD"
          placeholder="0"
        />
      </label>
      <label className="field">
        <span>From (UTC)</span>
        <input
          type="datetime-local"
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          aria-label="From (UTC)"
        />
      </label>
      <label className="field">
        <span>To (UTC)</span>
        <input type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} aria-label="To (UTC)" />
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}
