import type { CandleColumns } from '@wick/market';

/** One candle as a streaming state reads it: a row of @wick/market's candle columns. */
export type StreamCandle = { readonly [K in keyof CandleColumns]: number };

/** One value per output of the indicator (NaN during the warm-up), keyed like `compute`'s outputs. */
export type StreamValues = Record<string, number>;

/** A per-indicator state (SmaState, AtrState, …) seen through one candle-in, values-out shape. */
export interface Stepper {
  /** Parsed params, as the indicator's schema gives them. */
  readonly params: Record<string, unknown>;
  /** Commits a closed candle and returns the values at it. */
  next(candle: StreamCandle): StreamValues;
  /** The values if `candle` came next; the committed state is left exactly as it was. */
  peek(candle: StreamCandle): StreamValues;
  toJSON(): unknown;
}

/** How the registry builds an indicator's exact streaming state, fresh or from its JSON. */
export interface StreamForm<P> {
  create(params: P): Stepper;
  restore(json: unknown): Stepper;
}

type Output = number | object;

interface ValueState<I> {
  readonly params: Record<string, unknown>;
  next(input: I): Output;
  peek(input: I): Output;
  toJSON(): unknown;
}

// A state class returns a number for a one-output indicator (its output is `value`) and an object
// keyed by output name otherwise.
function values(out: Output): StreamValues {
  return typeof out === 'number' ? { value: out } : (out as StreamValues);
}

/** A state class: built from params, restored from its own JSON. */
interface StateClass<P, S> {
  new (params: P): S;
  fromJSON(json: unknown): S;
}

function form<P, I, S extends ValueState<I>>(cls: StateClass<P, S>, input: (c: StreamCandle) => I): StreamForm<P> {
  const wrap = (s: S): Stepper => ({
    get params() {
      return s.params;
    },
    next: (c) => values(s.next(input(c))),
    peek: (c) => values(s.peek(input(c))),
    toJSON: () => s.toJSON(),
  });
  return { create: (p) => wrap(new cls(p)), restore: (json) => wrap(cls.fromJSON(json)) };
}

const closeOf = (c: StreamCandle): number => c.close;
const itself = (c: StreamCandle): StreamCandle => c;

/** The streaming form of a state class whose `next` takes the close. */
export function closeStream<P, S extends ValueState<number>>(cls: StateClass<P, S>): StreamForm<P> {
  return form(cls, closeOf);
}

/** The streaming form of a state class whose `next` takes the candle (or the part of it it declares). */
export function candleStream<P, S extends ValueState<StreamCandle>>(cls: StateClass<P, S>): StreamForm<P> {
  return form(cls, itself);
}
