export type Interval = '1m' | '5m' | '15m' | '1h' | '4h' | '1d';

export const INTERVALS: readonly Interval[] = Object.freeze(['1m', '5m', '15m', '1h', '4h', '1d'] as const);

const MINUTE = 60_000;
export const INTERVAL_MS: Record<Interval, number> = Object.freeze({
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1440 * MINUTE,
});

export function isInterval(value: string): value is Interval {
  return (INTERVALS as readonly string[]).includes(value);
}
