import type { z } from 'zod';
import { InvalidParamsError, InvalidStateError } from './errors.ts';

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Parse params with a schema; a failure names the param and its bound. */
export function parseWith<S extends z.ZodType>(indicator: string, schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (!r.success) throw new InvalidParamsError(indicator, issuesOf(r.error));
  return r.data;
}

/** Parse a serialised streaming state. */
export function parseState<S extends z.ZodType>(kind: string, schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new InvalidStateError(
      kind,
      issuesOf(r.error)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; '),
    );
  }
  return r.data;
}
