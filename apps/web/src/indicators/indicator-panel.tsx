import { useState } from 'react';
import { choiceKey, MAX_INDICATORS, type IndicatorChoice, type ParamValue } from '../layout/layout.ts';
import { SourceBadge } from '../status/source-badge.tsx';
import { fieldErrorsFromMessage } from './field-errors.ts';
import { formatValue, indicatorLabel } from './indicator-label.ts';
import { paramFields } from './json-schema.ts';
import { ParamsForm } from './params-form.tsx';
import { presentationOf } from './presentation.ts';
import { useCatalog, type CatalogEntry } from './use-catalog.ts';
import type { IndicatorState } from './use-indicator-data.ts';

interface Props {
  states: readonly IndicatorState[];
  colors: ReadonlyMap<string, string>;
  onChange: (choices: IndicatorChoice[]) => void;
}

/** The indicator picker (from indicators.catalog) and one chip per indicator: value, source, edit, remove. */
export function IndicatorPanel({ states, colors, onChange }: Props) {
  const catalog = useCatalog();
  const [adding, setAdding] = useState<string>('');
  const [editing, setEditing] = useState<string | null>(null);
  const choices = states.map((s) => s.choice);
  const entry = adding ? catalog.byName.get(adding) : undefined;

  const families = new Map<string, CatalogEntry[]>();
  for (const d of catalog.data?.indicators ?? []) families.set(d.family, [...(families.get(d.family) ?? []), d]);

  const replace = (key: string, params: Record<string, ParamValue>) => {
    onChange(choices.map((c) => (choiceKey(c) === key ? { ...c, params } : c)));
    setEditing(null); // a refused value reopens the form with the API's field errors
  };

  return (
    <section className="indicators" aria-label="Indicators">
      <div className="add-indicator">
        <label className="field">
          <span>Add indicator</span>
          <select
            aria-label="Add indicator"
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
            disabled={choices.length >= MAX_INDICATORS}
          >
            <option value="">{choices.length >= MAX_INDICATORS ? `at most ${MAX_INDICATORS}` : 'choose…'}</option>
            {[...families].map(([family, defs]) => (
              <optgroup key={family} label={family}>
                {defs.map((d) => (
                  <option key={d.name} value={d.name}>
                    {d.name.toUpperCase()} — {d.title}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        {entry && (
          <ParamsForm
            key={entry.name}
            fields={paramFields(entry.params, entry.defaults)}
            values={{}}
            errors={null}
            submitLabel={`Add ${entry.name.toUpperCase()}`}
            onSubmit={(params) => {
              const choice = { name: entry.name, params };
              if (!choices.some((c) => choiceKey(c) === choiceKey(choice))) onChange([...choices, choice]);
              setAdding('');
            }}
            onCancel={() => setAdding('')}
          />
        )}
      </div>
      <ul className="chips">
        {states.map((s) => {
          const def = catalog.byName.get(s.choice.name);
          const fields = def ? paramFields(def.params, def.defaults) : [];
          const errors = s.error
            ? (fieldErrorsFromMessage(
                s.error.message,
                fields.map((f) => f.name),
              ) ?? { '': s.error.message })
            : null;
          const shown = def ? Object.keys(presentationOf(def).draw) : [];
          const last = s.series ? s.series.time.length - 1 : -1;
          const open = editing === s.key || errors !== null;
          return (
            <li key={s.key} className={`chip ${s.error ? 'chip-error' : ''}`} data-indicator={s.choice.name} data-key={s.key}>
              <span className="swatch" style={{ background: colors.get(s.key) }} aria-hidden="true" />
              <strong>
                {indicatorLabel(
                  s.choice,
                  def?.title,
                  fields.map((f) => f.name),
                )}
              </strong>
              <span className="values" data-testid="indicator-values">
                {last >= 0 &&
                  shown.map((name) => (
                    <span key={name} data-output={name}>
                      {shown.length > 1 ? `${name} ` : ''}
                      {formatValue(s.series!.values[name]?.[last])}
                    </span>
                  ))}
              </span>
              <SourceBadge cache={s.cache} />
              {s.pending && <span className="muted">loading…</span>}
              {s.error && !errors?.[''] && fields.length === 0 && <span className="error">{s.error.message}</span>}
              <button type="button" onClick={() => setEditing(open && !errors ? null : s.key)} aria-expanded={open}>
                Edit
              </button>
              <button
                type="button"
                aria-label={`Remove ${s.choice.name.toUpperCase()}`}
                onClick={() => onChange(choices.filter((c) => choiceKey(c) !== s.key))}
              >
                ×
              </button>
              {open && fields.length > 0 && (
                <ParamsForm
                  key={s.key}
                  fields={fields}
                  values={s.choice.params}
                  errors={errors}
                  submitLabel="Apply"
                  onSubmit={(params) => replace(s.key, params)}
                  onCancel={errors ? undefined : () => setEditing(null)}
                />
              )}
              {s.error && fields.length > 0 && !errors && <span className="error">{s.error.message}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
