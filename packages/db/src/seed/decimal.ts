const POW10 = Array.from({ length: 19 }, (_, i) => 10 ** i);

/** Formats an integer count of 10^-scale units as an exact decimal string (123456, 2 → "1234.56"). */
export function formatScaled(units: number, scale: number): string {
  if (scale === 0) return String(units);
  const neg = units < 0;
  const s = String(neg ? -units : units).padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}

export function pow10(n: number): number {
  const p = POW10[n];
  if (p === undefined) throw new RangeError(`10^${n} out of range`);
  return p;
}
