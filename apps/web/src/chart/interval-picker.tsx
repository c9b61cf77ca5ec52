import type { Interval } from '@wick/market';
import { useCatalog } from '../indicators/use-catalog.ts';

/** The intervals every series has, finest first, as indicators.catalog lists them (the chosen one while it loads). */
export function IntervalPicker({ value, onChange }: { value: Interval; onChange: (interval: Interval) => void }) {
  const catalog = useCatalog();
  const intervals: readonly Interval[] = catalog.data?.intervals.map((iv) => iv.name) ?? [value];
  return (
    <div className="field" role="radiogroup" aria-label="Interval">
      <span>Interval</span>
      <div className="segmented">
        {intervals.map((iv) => (
          <button
            key={iv}
            type="button"
            role="radio"
            aria-checked={iv === value}
            className={iv === value ? 'active' : ''}
            onClick={() => onChange(iv)}
            onKeyDown={(e) => {
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (step === 0) return;
              e.preventDefault();
              const next = intervals[(intervals.indexOf(value) + step + intervals.length) % intervals.length]!;
              onChange(next);
              (e.currentTarget.parentElement?.querySelector(`[data-interval="${next}"]`) as HTMLElement | null)?.focus();
            }}
            data-interval={iv}
            tabIndex={iv === value ? 0 : -1}
          >
            {iv}
          </button>
        ))}
      </div>
    </div>
  );
}
