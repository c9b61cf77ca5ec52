import { INTERVAL_MS, SIDES, type Interval } from '@wick/market';
import type { CandleRow } from '../candle-row.ts';
import { liquidationFieldColumn, type LiquidationFieldKey, type LiquidationFields } from '../liquidation-fields.ts';

/** Thrown by the row parsers; the importer adds file and line. */
export class RowError extends Error {}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** An exact decimal string that fits DECIMAL(intDigits + 10, 10) without rounding. */
export function decimalField(name: string, raw: unknown, intDigits: number): string {
  if (raw === undefined || raw === '') throw new RowError(`${name} is missing`);
  if (typeof raw !== 'string') throw new RowError(`${name} must be a decimal string, got ${JSON.stringify(raw)}`);
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

function word(name: string, raw: unknown, max: number): string {
  if (typeof raw !== 'string' || !WORD.test(raw) || raw.length > max) {
    throw new RowError(`${name} is not a word of at most ${max} letters: ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** One liquidation's fields by key, as received (a CSV row's text, an API event's values). */
export type LiquidationInput = Record<LiquidationFieldKey, unknown>;

/**
 * Checks one liquidation against the columns (a side, words that fit, decimals within their
 * precision, a time in ms) and returns its fields canonical, in column order: what the CSV import
 * and the API's ingest both store. `label` names a field in messages.
 */
export function liquidationFields(input: LiquidationInput, label: (key: LiquidationFieldKey) => string): LiquidationFields {
  const side = SIDES.find((s) => s === input.side);
  if (side === undefined) throw new RowError(`${label('side')} must be ${SIDES.join(' or ')}, got ${JSON.stringify(input.side)}`);
  const time = input.orderTradeTime;
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
    throw new RowError(`${label('orderTradeTime')} must be a non-negative integer of ms, got ${JSON.stringify(time)}`);
  }
  return [
    side,
    word(label('orderType'), input.orderType, 16),
    word(label('timeInForce'), input.timeInForce, 8),
    decimalField(label('originalQuantity'), input.originalQuantity, 20),
    decimalField(label('price'), input.price, 14),
    decimalField(label('averagePrice'), input.averagePrice, 14),
    word(label('orderStatus'), input.orderStatus, 16),
    decimalField(label('lastFillQuantity'), input.lastFillQuantity, 20),
    decimalField(label('accumulatedFillQuantity'), input.accumulatedFillQuantity, 20),
    time,
  ];
}

/** time, side, order_type, time_in_force, original_quantity, price, average_price, order_status, last_fill_quantity, accumulated_fill_quantity */
export function parseLiquidation(fields: string[]): LiquidationFields {
  if (fields.length !== 10) throw new RowError(`expected 10 columns, found ${fields.length}`);
  const [
    time,
    side,
    orderType,
    timeInForce,
    originalQuantity,
    price,
    averagePrice,
    orderStatus,
    lastFillQuantity,
    accumulatedFillQuantity,
  ] = fields;
  return liquidationFields(
    {
      side,
      orderType,
      timeInForce,
      originalQuantity,
      price,
      averagePrice,
      orderStatus,
      lastFillQuantity,
      accumulatedFillQuantity,
      orderTradeTime: msField('time', time),
    },
    liquidationFieldColumn,
  );
}

/** A first line whose first field is not a number is a header. */
export function isHeader(fields: string[]): boolean {
  return fields.length > 0 && !/^\d/.test(fields[0] ?? '');
}
