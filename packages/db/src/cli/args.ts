import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs over process.argv, tolerating the `--` that `pnpm <script> -- …` passes through. */
export function cliArgs<T extends NonNullable<ParseArgsConfig['options']>>(options: T) {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

export function intFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be an integer, got ${value}`);
  return n;
}

/** A time flag as ms since the epoch or an ISO date (`2024-01-01`, `2024-01-01T12:00Z`). */
export function timeFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be ms since the epoch or an ISO date, got ${value}`);
  return n;
}
