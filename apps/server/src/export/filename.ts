import type { ExportFormat } from './format.ts';
import type { ExportFilter } from './query.ts';

function stamp(msValue: number | undefined, fallback: string): string {
  return msValue === undefined ? fallback : new Date(msValue).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** The download's name says what it holds, e.g. liquidations_BTCUSDT_sell_20240101T000000_latest.csv. */
export function exportFilename(f: ExportFilter, format: ExportFormat): string {
  const parts = ['liquidations', f.symbol ?? 'all'];
  if (f.side) parts.push(f.side.toLowerCase());
  parts.push(stamp(f.from, 'start'), stamp(f.to, 'latest'));
  return `${parts.join('_')}.${format}`;
}
