import { randomWalk } from '@wick/testkit';
import type { Columns } from '../../src/index.ts';

const MINUTE = 60_000;
export const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

function minutes(n: number): Float64Array {
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) time[i] = START + i * MINUTE;
  return time;
}

/** Every column constant (price p, volume v). */
export function flat(n: number, p = 100, v = 5): Columns {
  const mk = (x: number) => new Float64Array(n).fill(x);
  return { open: mk(p), high: mk(p), low: mk(p), close: mk(p), volume: mk(v), time: minutes(n) };
}

/**
 * Flat at p, except that candle `at` closes at p·(1 + jump) and the next one falls back to p: in
 * theory RSI is constant after it (its average gain and loss decay at the same rate).
 */
export function spike(n: number, at: number, p = 100, jump = 0.05): Columns {
  const c = flat(n, p);
  const top = p * (1 + jump);
  c.close[at] = top;
  c.high[at] = top;
  if (at + 1 < n) {
    c.open[at + 1] = top;
    c.high[at + 1] = top;
  }
  return c;
}

/** A random walk with price gaps (jumps of ±20 % every 97 bars) and zero-volume bars. */
export function gapped(n: number, seed = 7): Columns {
  const c = randomWalk(n, { seed });
  let factor = 1;
  for (let i = 0; i < n; i++) {
    if (i % 97 === 96) factor *= i % 2 === 0 ? 1.2 : 0.8;
    c.open[i]! *= factor;
    c.high[i]! *= factor;
    c.low[i]! *= factor;
    c.close[i]! *= factor;
    if (i % 13 === 0) c.volume[i] = 0;
  }
  return c;
}

export function mapColumns(c: Columns, f: (v: number) => number, cols: readonly (keyof Columns)[]): Columns {
  const out = { ...c };
  for (const k of cols) out[k] = c[k].map(f);
  return out;
}

export function slice(c: Columns, start: number, end: number): Columns {
  return {
    open: c.open.slice(start, end),
    high: c.high.slice(start, end),
    low: c.low.slice(start, end),
    close: c.close.slice(start, end),
    volume: c.volume.slice(start, end),
    time: c.time.slice(start, end),
  };
}
