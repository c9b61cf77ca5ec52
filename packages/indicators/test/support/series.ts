import type { Columns } from '../../src/index.ts';

/** mulberry32: small, seeded, good enough for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A geometric random walk of 1m candles starting at 2024-01-01T00:00Z, OHLC consistent. */
export function randomWalk(n: number, seed = 1, start = 100): Columns {
  const r = rng(seed);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const time = new Float64Array(n);
  let price = start;
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < n; i++) {
    const o = price;
    const c = o * Math.exp((r() - 0.5) * 0.02);
    const h = Math.max(o, c) * (1 + r() * 0.005);
    const l = Math.min(o, c) * (1 - r() * 0.005);
    open[i] = o;
    high[i] = h;
    low[i] = l;
    close[i] = c;
    volume[i] = 10 + r() * 1000;
    time[i] = t0 + i * MINUTE;
    price = c;
  }
  return { open, high, low, close, volume, time };
}

/** Every column constant (price p, volume v). */
export function flat(n: number, p = 100, v = 5): Columns {
  const mk = (x: number) => new Float64Array(n).fill(x);
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) time[i] = Date.UTC(2024, 0, 1) + i * MINUTE;
  return { open: mk(p), high: mk(p), low: mk(p), close: mk(p), volume: mk(v), time };
}

/** A random walk with price gaps (jumps of ±20 % every 97 bars) and zero-volume bars. */
export function gapped(n: number, seed = 7): Columns {
  const c = randomWalk(n, seed);
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
