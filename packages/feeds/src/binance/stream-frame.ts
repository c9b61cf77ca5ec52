import { isOhlcConsistent, type CandleInput } from '../candle-input.ts';
import { liquidationEventSchema, type LiquidationEvent } from '../liquidation-event.ts';
import { combinedFrameSchema, forceOrderEventSchema, klineEventSchema } from './payloads.ts';

/** A 1m kline update: the whole candle so far (Binance sends cumulative state, not deltas). */
export interface KlineUpdate {
  kind: 'kline';
  symbol: string;
  /** Binance's event time `E`: orders updates of the same candle. */
  eventTime: number;
  /** `k.x`: the candle has closed and this is its final state. */
  final: boolean;
  candle: CandleInput;
}

export type StreamMessage =
  | KlineUpdate
  | { kind: 'liquidation'; eventTime: number; event: LiquidationEvent }
  /** A well-formed frame this connector does not use (a subscription reply, another stream). */
  | { kind: 'ignored'; stream: string | null }
  | { kind: 'malformed'; reason: string };

/** Parses one combined-stream text frame; never throws. */
export function parseStreamFrame(text: string): StreamMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'not JSON' };
  }
  const frame = combinedFrameSchema.safeParse(json);
  if (!frame.success) {
    // Replies to SUBSCRIBE-style requests carry {"result": …, "id": …}.
    if (typeof json === 'object' && json !== null && 'id' in json) return { kind: 'ignored', stream: null };
    return { kind: 'malformed', reason: 'not a combined-stream frame {"stream","data"}' };
  }
  const { stream, data } = frame.data;
  if (stream.endsWith('@kline_1m')) return parseKline(data);
  if (stream.endsWith('@forceOrder')) return parseForceOrder(data);
  return { kind: 'ignored', stream };
}

function parseKline(data: unknown): StreamMessage {
  const parsed = klineEventSchema.safeParse(data);
  if (!parsed.success) return { kind: 'malformed', reason: `kline: ${describe(parsed.error.issues)}` };
  const { E, k } = parsed.data;
  if (k.i !== '1m') return { kind: 'malformed', reason: `kline: interval ${k.i}, expected 1m` };
  const candle: CandleInput = { time: k.t, open: k.o, high: k.h, low: k.l, close: k.c, volume: k.v, quoteVolume: k.q, trades: k.n };
  if (k.t % 60_000 !== 0) return { kind: 'malformed', reason: `kline: open time ${k.t} is not on a minute` };
  if (!isOhlcConsistent(candle)) return { kind: 'malformed', reason: 'kline: high/low do not bound open/close' };
  return { kind: 'kline', symbol: k.s.toUpperCase(), eventTime: E, final: k.x, candle };
}

function parseForceOrder(data: unknown): StreamMessage {
  const parsed = forceOrderEventSchema.safeParse(data);
  if (!parsed.success) return { kind: 'malformed', reason: `forceOrder: ${describe(parsed.error.issues)}` };
  const { E, o } = parsed.data;
  const event = liquidationEventSchema.safeParse({
    symbol: o.s.toUpperCase(),
    side: o.S,
    orderType: o.o,
    timeInForce: o.f,
    originalQuantity: o.q,
    price: o.p,
    averagePrice: o.ap,
    orderStatus: o.X,
    lastFillQuantity: o.l,
    accumulatedFillQuantity: o.z,
    orderTradeTime: o.T,
  });
  if (!event.success) return { kind: 'malformed', reason: `forceOrder: ${describe(event.error.issues)}` };
  return { kind: 'liquidation', eventTime: E, event: event.data };
}

function describe(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'data'}: ${i.message}`)
    .join('; ');
}
