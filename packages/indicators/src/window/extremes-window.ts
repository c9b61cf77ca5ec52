import { z } from 'zod';
import { InvalidStateError } from '../errors.ts';

/**
 * (index, value) pairs with increasing indices and values that strictly dominate towards the front
 * (decreasing for a max, increasing for a min): the classic monotonic deque. A ring buffer whose
 * capacity doubles on demand, so a short window over a random walk stays a few slots.
 */
class MonotonicDeque {
  private index = new Float64Array(8);
  private value = new Float64Array(8);
  private head = 0;
  size = 0;

  constructor(private readonly keepsMax: boolean) {}

  indexAt(k: number): number {
    return this.index[(this.head + k) & (this.index.length - 1)]!;
  }

  valueAt(k: number): number {
    return this.value[(this.head + k) & (this.value.length - 1)]!;
  }

  /** `a` is kept in front of `b` only if it dominates it strictly (ties go to the newer value). */
  private dominates(a: number, b: number): boolean {
    return this.keepsMax ? a > b : a < b;
  }

  /** The extreme of the window [first, i] after adding value v at i, nothing changed. */
  peek(first: number, v: number): number {
    const k = this.size > 0 && this.indexAt(0) < first ? 1 : 0;
    return this.size > k && this.dominates(this.valueAt(k), v) ? this.valueAt(k) : v;
  }

  /** Adds value v at i, drops what left the window [first, i], returns the window's extreme. */
  push(first: number, i: number, v: number): number {
    while (this.size > 0 && this.indexAt(0) < first) {
      this.head = (this.head + 1) & (this.index.length - 1);
      this.size--;
    }
    while (this.size > 0 && !this.dominates(this.valueAt(this.size - 1), v)) this.size--;
    if (this.size === this.index.length) this.grow();
    const slot = (this.head + this.size) & (this.index.length - 1);
    this.index[slot] = i;
    this.value[slot] = v;
    this.size++;
    return this.valueAt(0);
  }

  private grow(): void {
    const index = new Float64Array(this.index.length * 2);
    const value = new Float64Array(this.value.length * 2);
    for (let k = 0; k < this.size; k++) {
      index[k] = this.indexAt(k);
      value[k] = this.valueAt(k);
    }
    this.index = index;
    this.value = value;
    this.head = 0;
  }

  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    for (let k = 0; k < this.size; k++) out.push([this.indexAt(k), this.valueAt(k)]);
    return out;
  }

  /** Loads pairs that a deque of this kind could hold for the window [first, last]. */
  load(kind: string, pairs: readonly (readonly [number, number])[], first: number, last: number): void {
    for (let k = 0; k < pairs.length; k++) {
      const [i, v] = pairs[k]!;
      const ok = i >= first && i <= last && (k === 0 || (i > pairs[k - 1]![0] && this.dominates(pairs[k - 1]![1], v)));
      if (!ok) throw new InvalidStateError(kind, `window deque entry ${k} ([${i}, ${v}]) is out of order or outside [${first}, ${last}]`);
      this.push(first, i, v);
    }
    if (last >= 0 && (pairs.length === 0 || pairs[pairs.length - 1]![0] !== last)) {
      throw new InvalidStateError(kind, `window deque must end at the last index ${last}`);
    }
  }
}

export interface ExtremesWindowJSON {
  period: number;
  count: number;
  max: [number, number][];
  min: [number, number][];
}

const pairs = z.array(z.tuple([z.number().int().min(0), z.number()]));
export const extremesWindowSchema = z.strictObject({
  period: z.number().int().min(1).max(100_000),
  count: z.number().int().min(0),
  max: pairs,
  min: pairs,
});

/**
 * Highest high and lowest low of the last `period` candles, candle by candle, in amortised O(1):
 * the same values as rollingExtremes (a max is a max, however it is found). After each `step`,
 * `highest` and `lowest` hold the window's extremes including that candle (NaN until it is full).
 */
export class ExtremesWindow {
  readonly period: number;
  private count = 0;
  private maxQ = new MonotonicDeque(true);
  private minQ = new MonotonicDeque(false);
  highest = NaN;
  lowest = NaN;

  constructor(period: number) {
    this.period = period;
  }

  /** Whether the window is full once this step's candle is in (there is a value). */
  get fullNext(): boolean {
    return this.count + 1 >= this.period;
  }

  step(high: number, low: number, commit: boolean): void {
    const i = this.count;
    const first = i - this.period + 1;
    if (commit) {
      this.count++;
      this.highest = this.maxQ.push(first, i, high);
      this.lowest = this.minQ.push(first, i, low);
    } else {
      this.highest = this.maxQ.peek(first, high);
      this.lowest = this.minQ.peek(first, low);
    }
    if (first < 0) {
      this.highest = NaN;
      this.lowest = NaN;
    }
  }

  toJSON(): ExtremesWindowJSON {
    return { period: this.period, count: this.count, max: this.maxQ.toJSON(), min: this.minQ.toJSON() };
  }

  static from(kind: string, s: z.output<typeof extremesWindowSchema>, period: number): ExtremesWindow {
    if (s.period !== period) throw new InvalidStateError(kind, `window of ${s.period} where ${period} was expected`);
    const w = new ExtremesWindow(period);
    const first = Math.max(0, s.count - period);
    w.maxQ.load(kind, s.max, first, s.count - 1);
    w.minQ.load(kind, s.min, first, s.count - 1);
    w.count = s.count;
    return w;
  }
}
