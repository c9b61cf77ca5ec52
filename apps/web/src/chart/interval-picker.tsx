import { INTERVALS, type Interval } from '@wick/market';

/**
 * The intervals Wick stores. No procedure lists them, so they come from @wick/market, the same
 * list the API validates against.
 */
export function IntervalPicker({ value, onChange }: { value: Interval; onChange: (interval: Interval) => void }) {
  return (
    <div className="field" role="radiogroup" aria-label="Interval">
      <span>Interval</span>
      <div className="segmented">
        {INTERVALS.map((iv) => (
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
              const next = INTERVALS[(INTERVALS.indexOf(value) + step + INTERVALS.length) % INTERVALS.length]!;
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
