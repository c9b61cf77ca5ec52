import type { IndicatorChoice } from '../layout/layout.ts';

/** "RSI(21)", "BBANDS(20, 2.5)": the params the user changed, in the catalog's order. */
export function indicatorLabel(choice: IndicatorChoice, title?: string, order: readonly string[] = []): string {
  const names = [...order.filter((n) => n in choice.params), ...Object.keys(choice.params).filter((n) => !order.includes(n))];
  const args = names.map((n) => String(choice.params[n]));
  const name = choice.name.toUpperCase();
  return `${name}${args.length ? `(${args.join(', ')})` : ''}${title && title.toUpperCase() !== name ? ` · ${title}` : ''}`;
}

export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const abs = Math.abs(v);
  return abs >= 1000 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
