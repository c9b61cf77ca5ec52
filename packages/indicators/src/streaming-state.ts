import { z } from 'zod';
import type { Columns, IndicatorDefinition } from './types.ts';
import type { StreamCandle, StreamValues, Stepper } from './stream-form.ts';
import { getIndicator } from './lookup.ts';
import { parseParams } from './canonical-params.ts';
import { checkedLength } from './compute.ts';
import { InvalidInputError, InvalidStateError } from './errors.ts';
import { parseState } from './params.ts';

/** Tag of the serialised form; a state of another format is refused, never misread. */
export const STREAMING_STATE_FORMAT = 'wick.indicator-state.v1';

export interface StreamingStateJSON {
  format: typeof STREAMING_STATE_FORMAT;
  indicator: string;
  /** Closed candles added. */
  count: number;
  /** Open time of the last closed candle added; null before the first. */
  lastTime: number | null;
  /** The indicator's own state (SmaState's, AtrState's, … JSON). */
  state: unknown;
}

/**
 * An indicator's state after its last closed candle, exact: after any sequence of `add`s it gives
 * the values `computeIndicator` gives over the same candles, bit for bit.
 */
export interface StreamingState {
  readonly indicator: string;
  /** Parsed params (defaults applied). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Output names, as computeIndicator's. */
  readonly outputs: readonly string[];
  /** Closed candles added (history included). */
  readonly count: number;
  /** Open time of the last closed candle added; NaN before the first. */
  readonly lastTime: number;
  /**
   * Commits a newly closed candle and returns the values at it. Its time must be after lastTime
   * and the columns the indicator reads finite (InvalidInputError otherwise, state unchanged).
   */
  add(candle: StreamCandle): StreamValues;
  /**
   * The values at `candle` as the next candle — the open one, as often as it changes — without
   * committing it: the state stays exactly as it was. Same checks as `add`.
   */
  peek(candle: StreamCandle): StreamValues;
  /** Plain JSON (NaN as null); restoreStreamingState reads it back. */
  toJSON(): StreamingStateJSON;
}

class IndicatorStream implements StreamingState {
  constructor(
    private readonly def: IndicatorDefinition,
    private readonly stepper: Stepper,
    public count: number,
    public lastTime: number,
  ) {}

  get indicator(): string {
    return this.def.name;
  }

  get params(): Readonly<Record<string, unknown>> {
    return this.stepper.params;
  }

  get outputs(): readonly string[] {
    return this.def.outputs;
  }

  private check(candle: StreamCandle): void {
    const t = candle.time;
    if (t - t !== 0) throw new InvalidInputError('time', this.count, `${this.def.name}: candle time must be a finite number, got ${t}`);
    if (this.count > 0 && !(t > this.lastTime)) {
      throw new InvalidInputError(
        'time',
        this.count,
        `${this.def.name}: candle time ${t} is not after the last closed candle's (${this.lastTime}); add each closed candle once, in time order`,
      );
    }
    for (const col of this.def.inputs) {
      const v = candle[col];
      if (typeof v !== 'number' || v - v !== 0) {
        throw new InvalidInputError(col, this.count, `${this.def.name}: candle ${col} must be a finite number, got ${String(v)}`);
      }
    }
  }

  add(candle: StreamCandle): StreamValues {
    this.check(candle);
    const values = this.stepper.next(candle);
    this.count++;
    this.lastTime = candle.time;
    return values;
  }

  peek(candle: StreamCandle): StreamValues {
    this.check(candle);
    return this.stepper.peek(candle);
  }

  toJSON(): StreamingStateJSON {
    return {
      format: STREAMING_STATE_FORMAT,
      indicator: this.def.name,
      count: this.count,
      lastTime: this.count > 0 ? this.lastTime : null,
      state: this.stepper.toJSON(),
    };
  }
}

function rowOf(c: Columns, i: number): StreamCandle {
  return {
    time: c.time[i]!,
    open: c.open?.[i] ?? NaN,
    high: c.high?.[i] ?? NaN,
    low: c.low?.[i] ?? NaN,
    close: c.close?.[i] ?? NaN,
    volume: c.volume?.[i] ?? NaN,
  };
}

/**
 * A fresh state for `name` with `params` (parsed like computeIndicator's), fed the closed candles
 * of `history` if given (its `time` column and the columns the indicator reads; same checks as
 * computeIndicator's, and strictly increasing times).
 */
export function createStreamingState(name: string, params: unknown, history?: Columns): StreamingState {
  const def = getIndicator(name);
  const state = new IndicatorStream(def, def.stream.create(parseParams(name, params)), 0, NaN);
  if (history === undefined) return state;
  const n = checkedLength(def, history);
  if (!(history.time instanceof Float64Array) || history.time.length !== n) {
    throw new InvalidInputError('time', -1, `${name}: history needs a "time" column of ${n} values (Float64Array)`);
  }
  for (let i = 0; i < n; i++) state.add(rowOf(history, i));
  return state;
}

const streamingStateSchema = z.strictObject({
  format: z.literal(STREAMING_STATE_FORMAT),
  indicator: z.string().max(64),
  count: z.number().int().min(0),
  lastTime: z.number().nullable(),
  state: z.unknown(),
});

/** The state a StreamingStateJSON describes; InvalidStateError if it does not parse or is inconsistent. */
export function restoreStreamingState(json: unknown): StreamingState {
  const s = parseState('streaming', streamingStateSchema, json);
  const def = getIndicator(s.indicator);
  if (s.count > 0 !== (s.lastTime !== null)) {
    throw new InvalidStateError(s.indicator, `count ${s.count} and lastTime ${s.lastTime} disagree`);
  }
  return new IndicatorStream(def, def.stream.restore(s.state), s.count, s.lastTime ?? NaN);
}
