/**
 * @wick/feeds — market data into Wick through its public API: the market simulator
 * (`pnpm feed:sim`) and the Binance USDⓈ-M stream connector (`pnpm feed:binance`).
 */
export { type CandleInput, MAX_CANDLES_PER_INGEST, isOhlcConsistent } from './candle-input.ts';
export { liquidationEventSchema, MAX_LIQUIDATIONS_PER_INGEST, type LiquidationEvent } from './liquidation-event.ts';
export type { IngestSink } from './ingest-sink.ts';
export { createClientSink } from './client-sink.ts';
export { classifyIngestError, type IngestFailure } from './ingest-error.ts';
export { IngestOutbox, type OutboxOptions, type OutboxStats } from './ingest/ingest-outbox.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { systemClock, VirtualClock, type Clock } from './clock.ts';
export { createLogger, type Logger } from './logger.ts';

export { runSimulator, DEFAULT_RATE, type SimulatorOptions, type SimulatorReport } from './simulator/market-simulator.ts';
export { clientMarketSource, type MarketSource } from './simulator/market-source.ts';
export { SymbolMarket, RETURN_WINDOW_MS, type MarketUpdate, type SymbolMarketOptions } from './simulator/symbol-market.ts';
export { PriceWalk, REGIMES, type Regime } from './simulator/price-walk.ts';
export { generateLiquidations, type LiquidationMarket, type LiquidationMoment } from './simulator/liquidation-generator.ts';
export { SeededRandom } from '@wick/market';

export { BinanceConnector, type BinanceConnectorOptions, type ConnectorStats } from './binance/binance-connector.ts';
export { parseStreamFrame, type StreamMessage, type KlineUpdate } from './binance/stream-frame.ts';
export { CandleFreshness } from './binance/candle-freshness.ts';
export { fetchKlines, KlineRequestError } from './binance/rest-klines.ts';
export { combinedStreamUrl, streamsFor } from './binance/stream-url.ts';
export { BINANCE_WS_URL, BINANCE_REST_URL, MAX_KLINES_PER_REQUEST } from './binance/payloads.ts';
