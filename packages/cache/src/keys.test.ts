import { describe, expect, it } from 'vitest';
import { KeyBuilder, safeSegment, type CacheKey } from './keys.ts';
import { CacheConfigError } from './errors.ts';

const kb = new KeyBuilder('wick');

/** A key may only contain its prefix, one {tag} (no braces inside) and no user-controlled separators. */
function assertContained(k: string, tag?: string): void {
  expect(k.startsWith('wick:{')).toBe(true);
  expect(k.split('{').length - 1).toBe(1);
  expect(k.split('}').length - 1).toBe(1);
  expect(k.length).toBeLessThan(200);
  expect(/\s/.test(k)).toBe(false);
  if (tag) expect(k.slice(k.indexOf('{') + 1, k.indexOf('}'))).toBe(tag);
}

describe('keys', () => {
  it('plain symbols give readable keys with the series hash tag', () => {
    const r = kb.resolve({ kind: 'candles', series: { symbol: 'BTCUSDT', interval: '1m' }, window: '1-2-1000' });
    expect(r.genKey).toBe('wick:{BTCUSDT:1m}:gen');
    expect(r.valueKey).toBe('wick:{BTCUSDT:1m}:c:1-2-1000');
    expect(r.lockKey).toBe('wick:{BTCUSDT:1m}:c:1-2-1000:lock');
  });

  it('hostile symbols (braces, colons, spaces, 10 kB) cannot escape their namespace', () => {
    const hostile = ['}', '{', 'a}b{c', 'BTC:1m}:gen', 'BTC USDT', ' ', '*', 'x'.repeat(10_000), 'ü', 'wick:{x}', '\n', '#abc'];
    const seen = new Set<string>();
    for (const symbol of hostile) {
      const r = kb.resolve({ kind: 'indicator', series: { symbol, interval: '5m' }, indicator: 'rsi}{', params: '{}', window: 'w: x' });
      assertContained(r.genKey);
      assertContained(r.valueKey);
      assertContained(r.lockKey);
      expect(r.tag.endsWith(':5m')).toBe(true);
      seen.add(r.genKey);
    }
    expect(seen.size).toBe(hostile.length); // distinct symbols never share a series
    // A hostile string can never collide with a plain one: escaped segments start with '#', which plain ones never contain.
    expect(safeSegment('#abc')).not.toBe('#abc');
    const g = kb.resolve({ kind: 'global', namespace: 'sym}bols', id: '{x}' });
    assertContained(g.genKey);
  });

  it('rejects empty or absurd inputs with a named error', () => {
    const bad: unknown[] = [
      { kind: 'candles', series: { symbol: '', interval: '1m' }, window: 'w' },
      { kind: 'candles', series: { symbol: 'X', interval: '2m' }, window: 'w' },
      { kind: 'candles', series: { symbol: 'x'.repeat(20_000), interval: '1m' }, window: 'w' },
      { kind: 'nope' },
    ];
    for (const k of bad) expect(() => kb.resolve(k as CacheKey)).toThrow(CacheConfigError);
  });

  it('params are taken as given (already canonical): equal strings share one entry, any difference is another', () => {
    const series = { symbol: 'BTCUSDT', interval: '1h' } as const;
    const id = (params: string, indicator = 'rsi') => kb.resolve({ kind: 'indicator', series, indicator, params, window: 'w' }).id;
    expect(id('{"period":14}')).toBe(id('{"period":14}'));
    expect(id('{"period":15}')).not.toBe(id('{"period":14}'));
    // The builder does not canonicalise: another spelling is another entry (callers canonicalise first).
    expect(id('{ "period": 14 }')).not.toBe(id('{"period":14}'));
    expect(id('{"period":14}', 'ema')).not.toBe(id('{"period":14}'));
    // Params are hashed: a huge params string keeps the key short, inside the series' slot.
    const huge = kb.resolve({ kind: 'indicator', series, indicator: 'rsi', params: `{"x":"${'9'.repeat(16_000)}"}`, window: 'w' });
    assertContained(huge.valueKey, 'BTCUSDT:1h');
    expect(huge.genKey).toBe('wick:{BTCUSDT:1h}:gen');
  });
});
