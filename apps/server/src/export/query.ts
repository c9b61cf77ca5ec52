import { liquidationFilter } from '@wick/api';
import { z } from 'zod';

const ALLOWED = new Set(['symbol', 'side', 'from', 'to', 'minUsd']);
const NUMERIC = new Set(['from', 'to', 'minUsd']);

/** Query strings carry text: numbers and the side are converted, then the API's own filter schema decides. */
export const exportQuery = z.preprocess((raw) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, string>)) {
    out[k] = NUMERIC.has(k) && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) ? Number(v) : k === 'side' ? v.toUpperCase() : v;
  }
  return out;
}, liquidationFilter);

export type ExportFilter = z.output<typeof exportQuery>;

/** Parses the query string; unknown or repeated parameters are errors, not silently ignored. */
export function parseExportQuery(url: URL): { ok: true; filter: ExportFilter } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (!ALLOWED.has(k)) return { ok: false, message: `Unknown parameter "${k}"; allowed: ${[...ALLOWED].join(', ')}` };
    if (k in raw) return { ok: false, message: `Parameter "${k}" given twice` };
    if (v !== '') raw[k] = v;
  }
  const parsed = exportQuery.safeParse(raw);
  if (!parsed.success) {
    const parts = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
    return { ok: false, message: `Invalid export parameters — ${parts.join('; ')}` };
  }
  return { ok: true, filter: parsed.data };
}
