/** The most decimals a simulated price or quantity gets (Binance uses up to 8). */
export const MAX_DECIMALS = 8;

/** The fewest decimals (≤ MAX_DECIMALS) that write `value` exactly, within float noise. */
export function decimalsOf(value: number): number {
  for (let d = 0; d < MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    if (Math.abs(Math.round(value * scale) / scale - value) <= 1e-9 * Math.max(1, Math.abs(value))) return d;
  }
  return MAX_DECIMALS;
}

/** The decimals a market's numbers are written with: the most any of them needs. */
export function decimalsOfAll(values: Iterable<number>): number {
  let d = 0;
  for (const v of values) d = Math.max(d, decimalsOf(v));
  return d;
}

export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** An exact decimal string with exactly `decimals` decimals, as Binance writes prices ("39021.00"). */
export function toDecimalString(value: number, decimals: number): string {
  return value.toFixed(decimals);
}
