import { describe, expect, it } from 'vitest';
import { randomWalk } from '@wick/testkit';
import {
  canonicalParams,
  computeIndicator,
  getIndicator,
  indicators,
  InvalidInputError,
  InvalidParamsError,
  NotEnoughDataError,
  parseParams,
  requiredColumns,
  UnknownIndicatorError,
} from '../src/index.ts';

describe('registry API', () => {
  it('lists the required indicators', () => {
    for (const name of ['sma', 'ema', 'rsi', 'macd', 'bbands', 'atr']) expect(indicators.has(name)).toBe(true);
  });

  it('canonical params apply defaults and sort keys', () => {
    expect(canonicalParams('rsi', {})).toBe(canonicalParams('rsi', { period: 14 }));
    expect(canonicalParams('rsi', undefined)).toBe('{"period":14}');
    expect(canonicalParams('macd', { signal: 9, slow: 26, fast: 12 })).toBe('{"fast":12,"signal":9,"slow":26}');
    expect(canonicalParams('macd', {})).toBe(canonicalParams('macd', { fast: 12 }));
  });

  it('unknown names throw UnknownIndicatorError', () => {
    expect(() => getIndicator('nope')).toThrow(UnknownIndicatorError);
    expect(() => computeIndicator('nope', randomWalk(10), {})).toThrow(UnknownIndicatorError);
  });

  it('bad params name the param and its bound', () => {
    try {
      parseParams('rsi', { period: 0 });
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidParamsError);
      const err = e as InvalidParamsError;
      expect(err.code).toBe('INVALID_PARAMS');
      expect(err.issues[0]?.path).toBe('period');
      expect(err.message).toMatch(/period.*>=\s*2/);
    }
    expect(() => parseParams('macd', { fast: 30, slow: 26 })).toThrow(/slow: must be greater than fast/);
  });

  it('series shorter than lookback+1 throws NotEnoughDataError naming the params', () => {
    const c = randomWalk(14);
    try {
      computeIndicator('rsi', c, {});
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(NotEnoughDataError);
      const err = e as NotEnoughDataError;
      expect([err.needed, err.got]).toEqual([15, 14]);
      expect(err.message).toContain('period=14');
    }
    expect(computeIndicator('rsi', randomWalk(15), {}).value!.length).toBe(15);
  });

  it('non-finite input values are refused by computeIndicator', () => {
    const c = randomWalk(50);
    c.close[20] = NaN;
    expect(() => computeIndicator('sma', c, {})).toThrow(InvalidInputError);
    expect(() => computeIndicator('sma', c, {})).toThrow(/index 20/);
  });

  it('requiredColumns reports inputs', () => {
    expect(requiredColumns('atr')).toEqual(['high', 'low', 'close']);
    expect(requiredColumns('rsi')).toEqual(['close']);
  });
});
