import { TRPCClientError } from '@wick/client';

/** Problems with one indicator's params, by param name ('' for the params as a whole). */
export type FieldErrors = Record<string, string>;

/**
 * The API's message for bad params reads "invalid params for rsi: period: Too small: expected
 * number to be >=2; kPeriod: …". Batch items carry only that message (no issue list), so the
 * field errors are read back out of it. A zod input error carries `issues`: prefer those.
 */
export function fieldErrorsFromMessage(message: string, fields: readonly string[]): FieldErrors | null {
  const m = /^invalid params for [a-z0-9_]+: (.*)$/s.exec(message);
  if (!m) return null;
  const out: FieldErrors = {};
  const pattern = new RegExp(`(?:^|; )(${fields.map(escape).join('|') || '$^'}|\\(params\\)): `, 'g');
  const starts = [...(m[1] ?? '').matchAll(pattern)];
  starts.forEach((s, i) => {
    const text = m[1] ?? '';
    const from = (s.index ?? 0) + s[0].length;
    const to = i + 1 < starts.length ? (starts[i + 1]?.index ?? text.length) : text.length;
    const field = s[1] === '(params)' ? '' : (s[1] ?? '');
    out[field] = text.slice(from, to).trim();
  });
  return Object.keys(out).length > 0 ? out : { '': m[1] ?? message };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Field errors of a tRPC input error ("params.period" paths), if that is what failed. */
export function fieldErrorsFromTrpc(err: unknown): FieldErrors | null {
  if (!(err instanceof TRPCClientError)) return null;
  const issues = (err.data as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  if (!issues?.length) return null;
  const out: FieldErrors = {};
  for (const i of issues) {
    const field = /(?:^|\.)params\.([^.]+)/.exec(i.path)?.[1] ?? '';
    out[field] = out[field] ? `${out[field]}; ${i.message}` : i.message;
  }
  return out;
}
