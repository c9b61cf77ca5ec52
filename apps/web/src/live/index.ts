// Everything live on the screen arrives through this folder, by tRPC subscriptions (SSE).
export { LiveProvider } from './live-provider.tsx';
export { useLive, useLiveStatus } from './live-context.ts';
export type { LiveStatus } from './live-status.ts';
export { useLiveCandles, MAX_LIVE_CANDLES, type LiveCandles } from './use-live-candles.ts';
export { useLiveIndicators, INDICATORS_PER_STREAM, LIVE_TAIL } from './use-live-indicators.ts';
export { useLiveLiquidations } from './use-live-liquidations.ts';
export { newerFirst, type LiveLiquidation } from './liquidation-feed.ts';
export { mergeCandleTail, mergeIndicatorTail } from './tail-merge.ts';
