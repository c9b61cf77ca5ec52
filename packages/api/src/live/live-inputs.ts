import { SIDES } from '@wick/market';
import { z } from 'zod';
import { indicatorParams, indicatorRequest, interval, MAX_CANDLES, symbolName } from '../inputs.ts';
import { lastEventId } from './stream-position.ts';

// `lastEventId` is what an EventSource resumes with (tRPC puts it into the input): optional, null when absent.
const resumeFrom = { lastEventId: lastEventId.nullish() };
const liveLimit = z.number().int().min(1).max(MAX_CANDLES).default(500);

export const candlesLiveInput = z.object({ symbol: symbolName, interval, ...resumeFrom });

export const indicatorsLiveInput = z.object({
  symbol: symbolName,
  interval,
  indicator: indicatorRequest.shape.indicator,
  params: indicatorParams,
  limit: liveLimit,
  ...resumeFrom,
});

/** Most indicators one indicators.liveMany stream carries (as many as one indicators.batch). */
export const MAX_LIVE_INDICATORS = 10;

export const indicatorsLiveManyInput = z.object({
  symbol: symbolName,
  interval,
  items: z
    .array(z.object({ indicator: indicatorRequest.shape.indicator, params: indicatorParams, limit: liveLimit }))
    .min(1, 'at least one indicator')
    .max(MAX_LIVE_INDICATORS, `at most ${MAX_LIVE_INDICATORS} indicators per stream`),
  ...resumeFrom,
});

export const liquidationsLiveInput = z.object({
  symbol: symbolName.optional(),
  side: z.enum(SIDES, { error: 'must be BUY (shorts liquidated) or SELL (longs liquidated)' }).optional(),
  minUsd: z.number().finite().min(0, 'must be ≥ 0').max(1e15, 'must be ≤ 1e15').optional(),
  ...resumeFrom,
});
