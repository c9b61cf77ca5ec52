import { INTERVAL_MS, SIDES, type Interval } from '@wick/market';
import type { CandleRow } from '../candle-row.ts';
import type { LiquidationFields } from '../liquidation-fields.ts';

/** Thrown by the row parsers; the importer adds file and line. */
export class RowError extends Error {}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** An exact decimal string that fits DECIMAL(intDigits + 10, 10) without rounding. */
export function decimalField(name: string, raw: string | undefined, intDigits: number): string {
  if (raw === undefined || raw === '') throw new RowError(`${name} is missing`);
  const m = DECIMAL.exec(raw);
  if (!m) throw new RowError(`${name} is not a non-negative decimal: ${JSON.stringify(raw)}`);
  const int = m[1]!.replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (int.length > intDigits) throw new RowError(`${name} ${raw} has more than ${intDigits} integer digits`);
  if (frac.length > 10) throw new RowError(`${name} ${raw} has more than 10 decimals`);
  return frac === '' ? int : `${int}.${frac}`;
}

export function msField(name: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) throw new RowError(`${name} is not a timestamp: ${JSON.stringify(raw)}`);
  const n = Number(raw);
  // Binance moved some files to microseconds (2025); 16-digit stamps are µs.
  return raw.length === 16 ? Math.floor(n / 1000) : n;
}

function intField(name: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,10}$/.test(raw)) throw new RowError(`${name} is not a count: ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** open_time, open, high, low, close, volume, close_time, quote_volume, count, taker_buy_volume, taker_buy_quote_volume, ignore */
export function parseKline(fields: string[], interval: Interval): CandleRow {
  if (fields.length !== 12) throw new RowError(`expected 12 columns, found ${fields.length}`);
  const openTime = msField('open_time', fields[0]);
  if (openTime % INTERVAL_MS[interval] !== 0) throw new RowError(`open_time ${openTime} is not aligned to ${interval}`);
  const open = decimalField('open', fields[1], 14);
  const high = decimalField('high', fields[2], 14);
  const low = decimalField('low', fields[3], 14);
  const close = decimalField('close', fields[4], 14);
  const volume = decimalField('volume', fields[5], 20);
  msField('close_time', fields[6]);
  const quoteVolume = decimalField('quote_volume', fields[7], 26);
  const trades = intField('count', fields[8]);
  const [o, h, l, c] = [open, high, low, close].map(Number) as [number, number, number, number];
  if (h < Math.max(o, c, l) || l > Math.min(o, c)) throw new RowError('high/low do not bound open/close');
  return [openTime, open, high, low, close, volume, quoteVolume, trades];
}

const WORD = /^[A-Z_]+$/;

/** time, side, order_type, time_in_force, original_quantity, price, average_price, order_status, last_fill_quantity, accumulated_fill_quantity */
export function parseLiquidation(fields: string[]): LiquidationFields {
  if (fields.length !== 10) throw new RowError(`expected 10 columns, found ${fields.length}`);
  const time = msField('time', fields[0]);
  const side = SIDES.find((s) => s === fields[1]);
  if (side === undefined) throw new RowError(`side must be ${SIDES.join(' or ')}, got ${JSON.stringify(fields[1])}`);
  const word = (name: string, raw: string | undefined, max: number) => {
    if (raw === undefined || !WORD.test(raw) || raw.length > max)
      throw new RowError(`${name} is not a word of at most ${max} letters: ${JSON.stringify(raw)}`);
    return raw;
  };
  return [
    side,
    word('order_type', fields[2], 16),
    word('time_in_force', fields[3], 8),
    decimalField('original_quantity', fields[4], 20),
    decimalField('price', fields[5], 14),
    decimalField('average_price', fields[6], 14),
    word('order_status', fields[7], 16),
    decimalField('last_fill_quantity', fields[8], 20),
    decimalField('accumulated_fill_quantity', fields[9], 20),
    time,
  ];
}

/** A first line whose first field is not a number is a header. */
export function isHeader(fields: string[]): boolean {
  return fields.length > 0 && !/^\d/.test(fields[0] ?? '');
}
