// Everything live on the screen comes through this folder: swap polling for subscriptions here.
export { LiveProvider, useLive, LIVE_META, LIVE_POLL_MS, type LiveStatus } from './live-provider.tsx';
export { useLiveCandles, LIVE_CANDLES } from './use-live-candles.ts';
export { useLiveIndicators } from './use-live-indicators.ts';
export { useLiveLiquidations, LIVE_HEAD } from './use-live-liquidations.ts';
