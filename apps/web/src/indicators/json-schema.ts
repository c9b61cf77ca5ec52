import type { ParamValue } from '../layout/layout.ts';

/** One form field derived from a param's JSON Schema (what indicators.catalog sends). */
export interface ParamField {
  name: string;
  type: 'integer' | 'number' | 'boolean' | 'string' | 'enum';
  default: ParamValue | undefined;
  minimum?: number;
  maximum?: number;
  options?: string[];
}

type Schema = { type?: unknown; default?: unknown; minimum?: unknown; maximum?: unknown; enum?: unknown; properties?: unknown };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Fields in the schema's order; anything the form cannot represent becomes a text field. */
export function paramFields(schema: Record<string, unknown>, defaults: Record<string, unknown>): ParamField[] {
  const props = ((schema as Schema).properties ?? {}) as Record<string, Schema>;
  return Object.entries(props).map(([name, p]) => {
    const d = defaults[name] ?? p.default;
    const value = typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean' ? d : undefined;
    const bounds = {
      ...(num(p.minimum) !== undefined ? { minimum: num(p.minimum) } : {}),
      ...(num(p.maximum) !== undefined ? { maximum: num(p.maximum) } : {}),
    };
    if (Array.isArray(p.enum)) return { name, type: 'enum', default: value, options: p.enum.map(String) };
    if (p.type === 'integer' || p.type === 'number') return { name, type: p.type, default: value, ...bounds };
    if (p.type === 'boolean') return { name, type: 'boolean', default: value };
    return { name, type: 'string', default: value };
  });
}

/** The form's text for a field back into the value the API expects; '' means "use the default". */
export function fieldValue(field: ParamField, text: string): ParamValue | undefined {
  if (text.trim() === '') return undefined;
  if (field.type === 'integer' || field.type === 'number') {
    const n = Number(text);
    return Number.isFinite(n) ? n : text; // sent as typed: the API's answer names the problem
  }
  if (field.type === 'boolean') return text === 'true';
  return text;
}
