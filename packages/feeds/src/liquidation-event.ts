import { SIDES, SYMBOL_PATTERN, SYMBOL_RULE } from '@wick/market';
import { z } from 'zod';

/** The most events one `liquidations.ingest` call accepts. */
export const MAX_LIQUIDATIONS_PER_INGEST = 1000;

/** A non-negative decimal as Binance sends it ("0.014", "9910", "39021.00"); the database keeps 10 decimals. */
const decimal = z.string().regex(/^\d{1,18}(\.\d{1,10})?$/, 'must be a non-negative decimal string with at most 10 decimals, e.g. "0.014"');

/** Binance's enum words (LIMIT, IOC, FILLED, PARTIALLY_FILLED…). */
const enumWord = z.string().regex(/^[A-Z_]{1,32}$/, 'must be an upper-case word such as LIMIT, IOC or FILLED');

/**
 * A liquidation as `liquidations.ingest` takes it: Binance forceOrder's order object
 * (`o.s/S/o/f/q/p/ap/X/l/z/T`) under readable names, decimals kept as the exact strings Binance sends.
 */
export const liquidationEventSchema = z.object({
  symbol: z.string().regex(SYMBOL_PATTERN, SYMBOL_RULE),
  side: z.enum(SIDES, { error: 'must be BUY (shorts liquidated) or SELL (longs liquidated)' }),
  orderType: enumWord,
  timeInForce: enumWord,
  originalQuantity: decimal,
  price: decimal,
  averagePrice: decimal,
  orderStatus: enumWord,
  lastFillQuantity: decimal,
  accumulatedFillQuantity: decimal,
  orderTradeTime: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(Date.UTC(2009, 0, 1), 'must be epoch milliseconds after 2009-01-01')
    .max(Date.UTC(2100, 0, 1), 'must be epoch milliseconds before 2100-01-01'),
});

export type LiquidationEvent = z.infer<typeof liquidationEventSchema>;
