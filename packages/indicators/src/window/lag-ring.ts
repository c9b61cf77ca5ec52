import { z } from 'zod';
import { jsonNumberArray, toJsonNumbers } from '../state-json.ts';
import { InvalidStateError } from '../errors.ts';

export interface LagRingJSON {
  count: number;
  ring: (number | null)[];
}

export const lagRingFields = { count: z.number().int().min(0), ring: jsonNumberArray };

/** The last `lag` values (value i at slot i % lag), to read x[i − lag] as x[i] arrives: ROC's and MOM's state. */
export class LagRing {
  readonly lag: number;
  private count = 0;
  private readonly ring: Float64Array;

  constructor(lag: number) {
    this.lag = lag;
    this.ring = new Float64Array(lag);
  }

  /** x[i − lag] for the value arriving now (NaN while there is none); commit stores the new value. */
  step(value: number, commit: boolean): number {
    const i = this.count;
    const slot = i % this.lag;
    const old = i < this.lag ? NaN : this.ring[slot]!;
    if (commit) {
      this.ring[slot] = value;
      this.count = i + 1;
    }
    return old;
  }

  toJSON(): LagRingJSON {
    return { count: this.count, ring: toJsonNumbers(this.ring) };
  }

  static from(kind: string, s: { count: number; ring: number[] }, lag: number): LagRing {
    if (s.ring.length !== lag) throw new InvalidStateError(kind, `ring length ${s.ring.length} != period ${lag}`);
    const r = new LagRing(lag);
    r.ring.set(s.ring);
    r.count = s.count;
    return r;
  }
}
