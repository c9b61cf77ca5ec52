import { isSymbolName } from '@wick/market';
import { MAX_STREAMS_PER_CONNECTION } from './payloads.ts';

/** The streams the connector follows per symbol: the 1m kline and the liquidation orders. */
export function streamsFor(symbol: string): string[] {
  const s = symbol.toLowerCase();
  return [`${s}@kline_1m`, `${s}@forceOrder`];
}

/** The combined-stream URL, e.g. wss://fstream.binance.com/stream?streams=btcusdt@kline_1m/btcusdt@forceOrder. */
export function combinedStreamUrl(wsUrl: string, symbols: readonly string[]): string {
  if (symbols.length === 0) throw new RangeError('at least one symbol is needed');
  for (const s of symbols) if (!isSymbolName(s)) throw new RangeError(`${s} is not a symbol name like BTCUSDT`);
  const streams = symbols.flatMap(streamsFor);
  if (streams.length > MAX_STREAMS_PER_CONNECTION) {
    throw new RangeError(
      `${symbols.length} symbols need ${streams.length} streams; one Binance connection carries at most ${MAX_STREAMS_PER_CONNECTION}`,
    );
  }
  // Stream names go in as is: Binance expects the literal "/" and "@" separators.
  return `${wsUrl.replace(/\/+$/, '')}/stream?streams=${streams.join('/')}`;
}
