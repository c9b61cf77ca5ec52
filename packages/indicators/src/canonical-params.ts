import { getIndicator } from './lookup.ts';
import { parseWith } from './params.ts';

/** Defaults applied and bounds checked; throws InvalidParamsError naming the param and its bound. */
export function parseParams(name: string, raw: unknown): Record<string, unknown> {
  return parseWith(name, getIndicator(name).params, raw);
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`).join(',')}}`;
}

/**
 * The one canonical form of an indicator's params (cache keys use it): the parsed params
 * (defaults applied) as JSON with sorted keys, so {} and the spelled-out defaults give one string.
 */
export function canonicalParams(name: string, raw: unknown): string {
  return stableStringify(parseParams(name, raw));
}
