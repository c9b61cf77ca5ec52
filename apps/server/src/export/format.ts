import { LIQUIDATION_COLUMNS, type LiquidationTuple } from '@wick/market';

export type ExportFormat = 'csv' | 'ndjson';

/** Turns one batch of rows into one string: one write per batch, since per-row writes cost more than the DB read. */
export type BatchFormatter = (batch: LiquidationTuple[]) => string;

type Column = (typeof LIQUIDATION_COLUMNS)[number];

/** How each column is written: integers bare, decimals as the exact strings stored (quoted in JSON), text escaped. */
const COLUMN_KINDS: Record<Column, 'integer' | 'decimal' | 'text'> = {
  id: 'integer',
  symbol: 'text',
  side: 'text',
  order_type: 'text',
  time_in_force: 'text',
  original_quantity: 'decimal',
  price: 'decimal',
  average_price: 'decimal',
  order_status: 'text',
  last_fill_quantity: 'decimal',
  accumulated_fill_quantity: 'decimal',
  order_trade_time: 'integer',
  usd: 'decimal',
};

const COLUMN_COUNT = LIQUIDATION_COLUMNS.length;
const IS_TEXT = LIQUIDATION_COLUMNS.map((c) => COLUMN_KINDS[c] === 'text');
const quoteIfDecimal = (c: Column | undefined) => (c !== undefined && COLUMN_KINDS[c] === 'decimal' ? '"' : '');

/**
 * Text fields repeat (a handful of symbols, sides, order types): escape each distinct value once.
 * Bounded, in case an import brought many distinct values.
 */
function memo(fn: (s: string) => string): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let out = seen.get(s);
    if (out === undefined) {
      out = fn(s);
      if (seen.size > 10_000) seen.clear();
      seen.set(s, out);
    }
    return out;
  };
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = `${LIQUIDATION_COLUMNS.join(',')}\r\n`;

/** CSV records in LIQUIDATION_COLUMNS order, CRLF-terminated; only the text columns can need quoting. */
export function csvFormatter(): BatchFormatter {
  const quote = memo(csvQuote);
  return (batch) => {
    let out = '';
    for (const t of batch) {
      for (let i = 0; i < COLUMN_COUNT; i++) {
        if (i > 0) out += ',';
        // Text columns hold strings in LiquidationTuple.
        out += IS_TEXT[i] ? quote(t[i] as string) : t[i];
      }
      out += '\r\n';
    }
    return out;
  };
}

/**
 * What precedes each value on an NDJSON line: the previous decimal's closing quote, the key, and this
 * decimal's opening quote, as one constant: fewer, longer pieces keep this as fast as a hand-unrolled line.
 */
const NDJSON_BEFORE = LIQUIDATION_COLUMNS.map(
  (c, i) => `${quoteIfDecimal(LIQUIDATION_COLUMNS[i - 1])}${i === 0 ? '{' : ','}${JSON.stringify(c)}:${quoteIfDecimal(c)}`,
);
const NDJSON_END = `${quoteIfDecimal(LIQUIDATION_COLUMNS.at(-1))}}\n`;

/** One JSON object per line, keyed by LIQUIDATION_COLUMNS (the CSV's header); decimals stay exact strings. */
export function ndjsonFormatter(): BatchFormatter {
  const json = memo((s) => JSON.stringify(s));
  return (batch) => {
    let out = '';
    for (const t of batch) {
      for (let i = 0; i < COLUMN_COUNT; i++) {
        out += NDJSON_BEFORE[i]!;
        out += IS_TEXT[i] ? json(t[i] as string) : t[i];
      }
      out += NDJSON_END;
    }
    return out;
  };
}

export const FORMATTERS: Record<ExportFormat, () => BatchFormatter> = { csv: csvFormatter, ndjson: ndjsonFormatter };
