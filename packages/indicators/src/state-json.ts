import { z } from 'zod';

// JSON has no NaN/Infinity: non-finite numbers travel as null and come back as NaN.
export const jsonNumber = z
  .number()
  .nullable()
  .transform((v) => (v === null ? NaN : v));

export function toJsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function toJsonNumbers(values: ArrayLike<number>): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toJsonNumber(values[i]!);
  return out;
}

export const jsonNumberArray = z.array(jsonNumber);
