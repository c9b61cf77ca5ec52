import { z } from 'zod';

/** A Valkey stream entry id as Valkey writes it: "<ms>-<seq>", decimal, no leading zeros. */
export const streamIdSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,19})-(0|[1-9]\d{0,19})$/, 'a stream id: "<ms>-<seq>", e.g. "1700000000000-0"');

/** Orders two stream ids (negative: a is older). Both must match streamIdSchema. */
export function compareStreamIds(a: string, b: string): number {
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  return compareDecimal(a.slice(0, dashA), b.slice(0, dashB)) || compareDecimal(a.slice(dashA + 1), b.slice(dashB + 1));
}

/** Decimal strings without leading zeros: the longer is larger, equal lengths compare as text. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
