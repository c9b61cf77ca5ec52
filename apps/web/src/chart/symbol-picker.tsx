import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { describeFailure } from '../api-errors.ts';
import { useTRPC } from '../trpc.ts';

/** Symbols Wick has data for (symbols.list); picks the first one when none is chosen yet. */
export function SymbolPicker({ value, onChange }: { value: string | null; onChange: (symbol: string) => void }) {
  const trpc = useTRPC();
  const symbols = useQuery(trpc.symbols.list.queryOptions());
  const names = useMemo(() => symbols.data?.symbols.filter((s) => s.active).map((s) => s.name) ?? [], [symbols.data]);
  const first = names[0];
  useEffect(() => {
    if (first && (value === null || (symbols.data && !names.includes(value)))) onChange(first);
  }, [first, value, names, symbols.data, onChange]);

  return (
    <label className="field">
      <span>Symbol</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} disabled={names.length === 0} aria-label="Symbol">
        {value && !names.includes(value) && <option value={value}>{value}</option>}
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      {symbols.error && <span className="error">{describeFailure(symbols.error)}</span>}
    </label>
  );
}
