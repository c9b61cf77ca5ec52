/** @wick/testkit — test-only helpers shared by every package. Never a runtime dependency. */
export { Prng, uniform } from './prng.ts';
export { randomWalk, randomWalkCandles, WALK_START, type WalkOptions, type CandleObject } from './candle-walk.ts';
