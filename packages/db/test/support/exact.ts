/** Exact decimal arithmetic for test oracles: values as BigInt units of 10^-scale. */
export function units(text: string, scale: number): bigint {
  const [int, frac = ''] = text.split('.');
  return BigInt(int! + frac.padEnd(scale, '0').slice(0, scale));
}

export function unitsToString(v: bigint, scale: number): string {
  const s = v.toString().padStart(scale + 1, '0');
  return `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}
