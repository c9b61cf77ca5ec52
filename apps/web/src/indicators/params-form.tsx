import { useId, useState } from 'react';
import type { ParamValue } from '../layout/layout.ts';
import type { FieldErrors } from './field-errors.ts';
import { fieldValue, type ParamField } from './json-schema.ts';

interface Props {
  fields: ParamField[];
  values: Record<string, ParamValue>;
  errors: FieldErrors | null;
  submitLabel: string;
  onSubmit: (params: Record<string, ParamValue>) => void;
  onCancel?: () => void;
}

/** A params form generated from the catalog's JSON Schema; the API's field errors show beside each field. */
export function ParamsForm({ fields, values, errors, submitLabel, onSubmit, onCancel }: Props) {
  const id = useId();
  const [text, setText] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, values[f.name] !== undefined ? String(values[f.name]) : ''])),
  );
  return (
    <form
      className="params-form"
      noValidate // the API judges the values and says what is wrong, field by field
      onSubmit={(e) => {
        e.preventDefault();
        const params: Record<string, ParamValue> = {};
        for (const f of fields) {
          const v = fieldValue(f, text[f.name] ?? '');
          if (v !== undefined) params[f.name] = v;
        }
        onSubmit(params);
      }}
    >
      {fields.map((f) => {
        const error = errors?.[f.name];
        const inputId = `${id}-${f.name}`;
        const hint =
          f.minimum !== undefined || f.maximum !== undefined
            ? `${f.minimum ?? '−∞'} … ${f.maximum ?? '∞'}`
            : f.type === 'string'
              ? 'text'
              : '';
        return (
          <div className="param" key={f.name}>
            <label htmlFor={inputId}>{f.name}</label>
            {f.type === 'enum' || f.type === 'boolean' ? (
              <select id={inputId} value={text[f.name] ?? ''} onChange={(e) => setText({ ...text, [f.name]: e.target.value })}>
                <option value="">default ({String(f.default ?? '—')})</option>
                {(f.type === 'boolean' ? ['true', 'false'] : (f.options ?? [])).map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : (
              <input
                id={inputId}
                name={f.name}
                inputMode={f.type === 'integer' ? 'numeric' : f.type === 'number' ? 'decimal' : 'text'}
                placeholder={f.default !== undefined ? String(f.default) : ''}
                value={text[f.name] ?? ''}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${inputId}-error` : `${inputId}-hint`}
                onChange={(e) => setText({ ...text, [f.name]: e.target.value })}
              />
            )}
            <span className="hint" id={`${inputId}-hint`}>
              {hint}
            </span>
            {error && (
              <span className="error field-error" id={`${inputId}-error`} role="alert" data-field={f.name}>
                {error}
              </span>
            )}
          </div>
        );
      })}
      {errors?.[''] && (
        <span className="error field-error" role="alert" data-field="">
          {errors['']}
        </span>
      )}
      <div className="actions">
        <button type="submit">{submitLabel}</button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
