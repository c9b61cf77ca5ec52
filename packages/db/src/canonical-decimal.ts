/** Decimal text without insignificant zeros ("42283.5000000000" → "42283.5", "7.000" → "7"). */
export function canonicalDecimal(text: string | number): string {
  const s = String(text);
  if (!s.includes('.')) return s.replace(/^0+(?=\d)/, '');
  return s
    .replace(/^0+(?=\d)/, '')
    .replace(/0+$/, '')
    .replace(/\.$/, '');
}
