import { INTERVALS, SIDES, SYMBOL_PATTERN } from '@wick/market';
import { z } from 'zod';

/** Epoch milliseconds between 2009 and 2100: anything else is a unit mistake (seconds, µs). */
export const epochMs = z
  .number()
  .int('must be a whole number of milliseconds')
  .min(Date.UTC(2009, 0, 1), 'must be epoch milliseconds after 2009-01-01')
  .max(Date.UTC(2100, 0, 1), 'must be epoch milliseconds before 2100-01-01');

/** Any case is accepted (upper-cased before the check), so the message names none, unlike market's SYMBOL_RULE. */
export const symbolName = z.string().trim().toUpperCase().regex(SYMBOL_PATTERN, 'must be 2–20 letters or digits, e.g. BTCUSDT');

export const interval = z.enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')}` });

export const MAX_CANDLES = 5000;

/** A window of candles: the last `limit` up to `to` (default now), or the first `limit` from `from`. */
export const candleWindow = {
  from: epochMs.optional(),
  to: epochMs.optional(),
  limit: z.number().int().min(1).max(MAX_CANDLES).default(500),
};

export const seriesWindow = z
  .object({ symbol: symbolName, interval, ...candleWindow })
  .refine((w) => w.from === undefined || w.to === undefined || w.from <= w.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

export type SeriesWindow = z.infer<typeof seriesWindow>;

/** Indicator params: a flat object of numbers/strings/booleans, validated against the registry later. */
// Values may be undefined (= the default) so that a typed array like
// [{ params: { period: 14 } }, { params: {} }] type-checks on the client.
export const indicatorParams = z
  .record(z.string().max(32), z.union([z.number(), z.string().max(64), z.boolean()]).optional())
  .refine((p) => Object.keys(p).length <= 16, 'at most 16 params')
  .transform((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Record<string, number | string | boolean>)
  .default({});

export const indicatorRequest = z
  .object({
    symbol: symbolName,
    interval,
    indicator: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9_]{1,32}$/, 'must be an indicator name from indicators.catalog'),
    params: indicatorParams,
    ...candleWindow,
  })
  .refine((w) => w.from === undefined || w.to === undefined || w.from <= w.to, {
    message: 'from must not be after to',
    path: ['from'],
  });

export type IndicatorRequest = z.infer<typeof indicatorRequest>;

/** The most liquidation events one liquidations.ingest call takes. */
export const MAX_LIQUIDATIONS_PER_INGEST = 1000;

const DECIMAL = /^\d{1,20}(\.\d{1,10})?$/;
const decimal = z
  .string()
  .regex(DECIMAL, 'must be a non-negative decimal string with at most 20 digits before the point and 10 after, e.g. "0.014"');
/** Prices are stored with 14 integer digits (DECIMAL(24,10)); quantities with 20. */
const priceDecimal = decimal.refine((d) => d.split('.')[0]!.length <= 14, 'must have at most 14 digits before the decimal point');
/** Binance's enum words (LIMIT, IOC, FILLED, …), bounded by their columns. */
const enumWord = (max: number) =>
  z.string().regex(new RegExp(`^[A-Z_]{1,${max}}$`), `must be an upper-case word of at most ${max} letters, such as LIMIT, IOC or FILLED`);

/**
 * A liquidation as Binance's forceOrder stream reports it (`o.s/S/o/f/q/p/ap/X/l/z/T`), under
 * readable names; decimals are the exact strings Binance sends.
 */
export const liquidationEvent = z.object({
  symbol: symbolName,
  side: z.enum(SIDES, { error: 'must be BUY (shorts liquidated) or SELL (longs liquidated)' }),
  orderType: enumWord(16),
  timeInForce: enumWord(8),
  originalQuantity: decimal,
  price: priceDecimal,
  averagePrice: priceDecimal,
  orderStatus: enumWord(16),
  lastFillQuantity: decimal,
  accumulatedFillQuantity: decimal,
  orderTradeTime: epochMs,
});

export type LiquidationEventInput = z.infer<typeof liquidationEvent>;
