import { z } from 'zod';

/*
 * Binance USDⓈ-M futures public market data, as documented by Binance:
 * - Combined streams: wss://fstream.binance.com/stream?streams=<a>/<b>, each event wrapped as
 *   {"stream":"<streamName>","data":<rawPayload>}; symbols lower-case in stream names; a connection
 *   lives at most 24 h; the server pings every 3 minutes and drops a client that has not ponged
 *   within 10 minutes; at most 200 streams per connection.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 * - Kline stream <symbol>@kline_<interval> (updates every 250 ms):
 *   {"e":"kline","E":<event ms>,"s":"BTCUSDT","k":{"t":<open ms>,"T":<close ms>,"s","i":"1m","f","L",
 *   "o","c","h","l","v" (base volume),"n" (trades),"x" (closed?),"q" (quote volume),"V","Q","B"}}
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Kline-Candlestick-Streams
 * - Liquidation stream <symbol>@forceOrder (the latest liquidation per symbol each 1000 ms):
 *   {"e":"forceOrder","E":<event ms>,"o":{"s","S":"SELL","o":"LIMIT","f":"IOC","q","p","ap",
 *   "X":"FILLED","l","z","T":<trade ms>}}
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams
 * - REST GET /fapi/v1/klines?symbol&interval&startTime&endTime&limit (default 500, max 1500),
 *   rows [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades,
 *   takerBuyBase, takerBuyQuote, ignore] with decimals as strings.
 *   https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Kline-Candlestick-Data
 */

export const BINANCE_WS_URL = 'wss://fstream.binance.com';
export const BINANCE_REST_URL = 'https://fapi.binance.com';
export const MAX_STREAMS_PER_CONNECTION = 200;
export const MAX_KLINES_PER_REQUEST = 1500;

/** A decimal as Binance writes it, parsed to a finite non-negative number. */
const decimal = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal string')
  .transform(Number)
  .pipe(z.number().finite().min(0));
const ms = z.number().int().nonnegative();

export const klineEventSchema = z.object({
  e: z.literal('kline'),
  E: ms,
  s: z.string(),
  k: z.object({
    t: ms,
    T: ms,
    s: z.string(),
    i: z.string(),
    o: decimal,
    c: decimal,
    h: decimal,
    l: decimal,
    v: decimal,
    n: z.number().int().nonnegative(),
    x: z.boolean(),
    q: decimal,
  }),
});
export type KlineEvent = z.infer<typeof klineEventSchema>;

/** The order object of a forceOrder event; decimals stay the exact strings Binance sent. */
const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string');
export const forceOrderEventSchema = z.object({
  e: z.literal('forceOrder'),
  E: ms,
  o: z.object({
    s: z.string(),
    S: z.string(),
    o: z.string(),
    f: z.string(),
    q: decimalString,
    p: decimalString,
    ap: decimalString,
    X: z.string(),
    l: decimalString,
    z: decimalString,
    T: ms,
  }),
});
export type ForceOrderEvent = z.infer<typeof forceOrderEventSchema>;

export const combinedFrameSchema = z.object({ stream: z.string(), data: z.unknown() });

/** One REST kline row; only the first nine fields are used. */
export const restKlineRowSchema = z
  .tuple([ms, decimal, decimal, decimal, decimal, decimal, ms, decimal, z.number().int().nonnegative()])
  .rest(z.unknown());
export type RestKlineRow = z.infer<typeof restKlineRowSchema>;
