import { INTERVALS, INTERVAL_MS } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { CacheConfigError } from './errors.ts';
import { DEFAULT_TTL, isWindowClosed, mergeTtl, ttlForWindow, ttlPatchFromEnv } from './ttl.ts';

const H = 3_600_000;
const now = Date.UTC(2026, 0, 10, 12, 30, 15); // 12:30:15 UTC

describe('open candle and TTL table', () => {
  it('a window is closed only when its last candle has closed', () => {
    // 1m: the 12:30 candle is open until 12:31.
    expect(isWindowClosed('1m', Date.UTC(2026, 0, 10, 12, 29), now)).toBe(true);
    expect(isWindowClosed('1m', Date.UTC(2026, 0, 10, 12, 30), now)).toBe(false);
    expect(isWindowClosed('1m', now, now)).toBe(false);
    // toMs inside a closed candle still names that candle.
    expect(isWindowClosed('1m', Date.UTC(2026, 0, 10, 12, 29, 59), now)).toBe(true);
    // 1h: 12:00 candle open; 11:00 closed. 1d: today open, yesterday closed.
    expect(isWindowClosed('1h', Date.UTC(2026, 0, 10, 11, 59), now)).toBe(true);
    expect(isWindowClosed('1h', Date.UTC(2026, 0, 10, 12, 0), now)).toBe(false);
    expect(isWindowClosed('1d', Date.UTC(2026, 0, 9), now)).toBe(true);
    expect(isWindowClosed('1d', Date.UTC(2026, 0, 10), now)).toBe(false);
    // Exactly at the close boundary the candle is closed.
    expect(isWindowClosed('4h', Date.UTC(2026, 0, 10, 8), Date.UTC(2026, 0, 10, 12))).toBe(true);
    // Future windows are open.
    expect(isWindowClosed('1m', now + H, now)).toBe(false);
  });

  it('TTLs follow the table: recent windows short, historical long, for every interval', () => {
    for (const i of INTERVALS) {
      const open = ttlForWindow(DEFAULT_TTL, i, now, now);
      const closed = ttlForWindow(DEFAULT_TTL, i, now - 2 * INTERVAL_MS[i], now);
      expect(open).toBe(DEFAULT_TTL[i].recent);
      expect(closed).toBe(DEFAULT_TTL[i].historical);
      expect(open).toBeLessThan(closed);
    }
    // Longer intervals keep longer.
    for (let k = 1; k < INTERVALS.length; k++) {
      expect(DEFAULT_TTL[INTERVALS[k]!].historical).toBeGreaterThanOrEqual(DEFAULT_TTL[INTERVALS[k - 1]!].historical);
    }
  });

  it('the table is overridable by env and by options, options last', () => {
    const env = ttlPatchFromEnv({ WICK_CACHE_TTL: '{"1m":{"recent":3},"1d":{"historical":100}}' });
    const t = mergeTtl(DEFAULT_TTL, env, { '1m': { recent: 4 } });
    expect(t['1m']).toEqual({ historical: DEFAULT_TTL['1m'].historical, recent: 4 });
    expect(t['1d'].historical).toBe(100);
    expect(t['5m']).toEqual(DEFAULT_TTL['5m']);
    expect(ttlPatchFromEnv({})).toBeUndefined();
    expect(() => ttlPatchFromEnv({ WICK_CACHE_TTL: '{"1m":{"recent":0}}' })).toThrow(CacheConfigError);
    expect(() => ttlPatchFromEnv({ WICK_CACHE_TTL: '{"2m":{}}' })).toThrow(CacheConfigError);
    expect(() => ttlPatchFromEnv({ WICK_CACHE_TTL: 'nope' })).toThrow(CacheConfigError);
  });
});
