import { describe, expect, it } from 'vitest';
import { randomWalk } from '@wick/testkit';
import {
  computeIndicator,
  createStreamingState,
  InvalidInputError,
  InvalidParamsError,
  InvalidStateError,
  restoreStreamingState,
  SmaState,
  STREAMING_STATE_FORMAT,
  UnknownIndicatorError,
} from '../src/index.ts';
import type { StreamCandle } from '../src/index.ts';
import { slice } from './support/series.ts';

const MINUTE = 60_000;
const walk = randomWalk(60, { seed: 3 });
const candle = (i: number, over: Partial<StreamCandle> = {}): StreamCandle => ({
  time: walk.time[i]!,
  open: walk.open[i]!,
  high: walk.high[i]!,
  low: walk.low[i]!,
  close: walk.close[i]!,
  volume: walk.volume[i]!,
  ...over,
});

describe('createStreamingState / restoreStreamingState', () => {
  it('names the indicator, its parsed params and outputs, and counts the closed candles it was given', () => {
    const s = createStreamingState('macd', { fast: 5 }, slice(walk, 0, 40));
    expect(s.indicator).toBe('macd');
    expect(s.params).toEqual({ fast: 5, slow: 26, signal: 9 });
    expect(s.outputs).toEqual(['macd', 'signal', 'histogram']);
    expect(s.count).toBe(40);
    expect(s.lastTime).toBe(walk.time[39]);
    const json = s.toJSON();
    expect(json).toMatchObject({ format: STREAMING_STATE_FORMAT, indicator: 'macd', count: 40, lastTime: walk.time[39] });
    expect(restoreStreamingState(JSON.parse(JSON.stringify(json))).toJSON()).toEqual(json);
  });

  it('peek gives the value of the open candle as computeIndicator over closed + open, and commits nothing', () => {
    const s = createStreamingState('rsi', {}, slice(walk, 0, 59));
    const before = JSON.stringify(s);
    const open = candle(59, { close: walk.close[58]! * 1.01, high: walk.close[58]! * 1.012 });
    const expected = computeIndicator(
      'rsi',
      { ...slice(walk, 0, 60), close: Float64Array.from([...walk.close.subarray(0, 59), open.close]) },
      {},
    );
    expect(s.peek(open).value).toBe(expected.value![59]);
    expect(JSON.stringify(s)).toBe(before);
    expect(s.count).toBe(59);
  });

  it('refuses unknown names and bad params like computeIndicator', () => {
    expect(() => createStreamingState('nope', {}, undefined)).toThrow(UnknownIndicatorError);
    expect(() => createStreamingState('rsi', { period: 1 }, undefined)).toThrow(InvalidParamsError);
  });

  it('refuses a candle that is not after the last closed one, or has a non-finite input, and stays as it was', () => {
    const s = createStreamingState('atr', {}, slice(walk, 0, 30));
    const before = JSON.stringify(s);
    for (const bad of [candle(29), candle(10), candle(30, { high: NaN }), candle(30, { close: Infinity }), candle(30, { time: NaN })]) {
      expect(() => s.add(bad)).toThrow(InvalidInputError);
      expect(() => s.peek(bad)).toThrow(InvalidInputError);
    }
    expect(() => s.add(candle(29))).toThrow(/not after the last closed candle/);
    expect(JSON.stringify(s)).toBe(before);
    // A column ATR does not read may be anything.
    expect(Number.isFinite(s.add(candle(30, { volume: NaN })).value)).toBe(true);
  });

  it('refuses history out of time order or with a non-finite value', () => {
    const shuffled = slice(walk, 0, 20);
    shuffled.time[7] = shuffled.time[3]!;
    expect(() => createStreamingState('sma', {}, shuffled)).toThrow(InvalidInputError);
    const holed = slice(walk, 0, 20);
    holed.close[4] = NaN;
    expect(() => createStreamingState('sma', {}, holed)).toThrow(/index 4/);
  });

  it('refuses JSON that is not a state it wrote, with InvalidStateError', () => {
    const good = createStreamingState('donchian', { period: 5 }, slice(walk, 0, 20)).toJSON();
    const bad: unknown[] = [
      { ...good, format: 'wick.indicator-state.v0' },
      { ...good, count: 0 }, // count 0 with a lastTime
      { ...good, lastTime: null },
      { ...good, state: createStreamingState('sma', {}, undefined).toJSON().state }, // another indicator's state
      {
        ...good,
        state: {
          kind: 'donchian',
          window: {
            period: 5,
            count: 20,
            max: [
              [19, 1],
              [18, 2],
            ],
            min: [[19, 1]],
          },
        },
      }, // deque out of order
      { ...good, state: { kind: 'donchian', window: { period: 1, count: 20, max: [[19, 1]], min: [[19, 1]] } } }, // period out of bounds
      createStreamingState('dema', {}, undefined).toJSON().state,
      'nonsense',
    ];
    for (const json of bad) expect(() => restoreStreamingState(json), JSON.stringify(json)).toThrow(InvalidStateError);
    const dema = createStreamingState('dema', { period: 5 }, slice(walk, 0, 20)).toJSON() as unknown as { state: { ema2: { k: number } } };
    dema.state.ema2.k = 0.5;
    expect(() => restoreStreamingState(dema)).toThrow(/EMA of period 5/);
    expect(() => restoreStreamingState({ ...good, indicator: 'nope' })).toThrow(UnknownIndicatorError);
  });

  it('keeps the JSON shape of the six states that predate it (hand-computed SMA example)', () => {
    const s = new SmaState({ period: 3 });
    expect([s.next(1), s.next(2), s.next(4)]).toEqual([NaN, NaN, 7 / 3]);
    expect(s.toJSON()).toEqual({ kind: 'sma', period: 3, ring: [1, 2, 4], count: 3, total: 6 });
    expect(s.peek(10)).toBe(16 / 3);
    expect(s.toJSON().total).toBe(6);
    expect(SmaState.fromJSON(s.toJSON()).next(10)).toBe(16 / 3);
  });

  it('a state of 1h candles crosses UTC days like the batch VWAP', () => {
    const hours = randomWalk(100, { seed: 9, interval: '1h', startTime: Date.UTC(2024, 0, 1) - 5 * 60 * MINUTE });
    const batch = computeIndicator('vwap', hours, {}).value!;
    const s = createStreamingState('vwap', {}, slice(hours, 0, 50));
    for (let i = 50; i < 100; i++) {
      const v = s.add({
        time: hours.time[i]!,
        open: hours.open[i]!,
        high: hours.high[i]!,
        low: hours.low[i]!,
        close: hours.close[i]!,
        volume: hours.volume[i]!,
      });
      expect(v.value).toBe(batch[i]);
    }
  });
});
