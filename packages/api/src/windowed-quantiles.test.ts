import { describe, expect, it } from 'vitest';
import { WindowedQuantiles } from './windowed-quantiles.ts';

/** A seeded PRNG (mulberry32), so the sampled cases give the same answer on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function make(sampleSize: number, clock: { t: number }, seed = 1) {
  return new WindowedQuantiles({ windowMs: 300_000, slots: 5, sampleSize, now: () => clock.t, random: seeded(seed) });
}

describe('WindowedQuantiles', () => {
  it('is exact while every observation fits the sample', () => {
    const clock = { t: 1_000_000 };
    const w = make(1024, clock);
    for (let v = 1000; v >= 1; v--) w.observe('a', v);
    expect(w.quantiles('a', [0.5, 0.95, 0.99, 1])).toEqual([500, 950, 990, 1000]);
  });

  it('keeps labels apart and answers NaN for a label with no observations', () => {
    const clock = { t: 0 };
    const w = make(16, clock);
    w.observe('a', 1);
    w.observe('b', 9);
    expect(w.labels().sort()).toEqual(['a', 'b']);
    expect(w.quantiles('a', [0.5])).toEqual([1]);
    expect(w.quantiles('b', [0.5])).toEqual([9]);
    expect(w.quantiles('c', [0.5, 0.99])).toEqual([NaN, NaN]);
  });

  it('estimates a large stream from its sample within a few per cent', () => {
    const clock = { t: 0 };
    const w = make(1024, clock);
    const values = seeded(7);
    for (let i = 0; i < 200_000; i++) w.observe('a', values());
    const [p50, p95, p99] = w.quantiles('a', [0.5, 0.95, 0.99]);
    expect(Math.abs(p50! - 0.5)).toBeLessThan(0.04);
    expect(Math.abs(p95! - 0.95)).toBeLessThan(0.02);
    expect(Math.abs(p99! - 0.99)).toBeLessThan(0.01);
  });

  it('weights each slot by how many observations its sample stands for', () => {
    const clock = { t: 0 };
    const w = make(100, clock);
    for (let i = 0; i < 100; i++) w.observe('a', 1); // one minute: 100 calls of 1
    clock.t += 60_000;
    for (let i = 0; i < 10_000; i++) w.observe('a', 2); // the next: 10,000 calls of 2, sampled to 100
    // Unweighted, the two samples would split 50/50 and the median would be 1.
    expect(w.quantiles('a', [0.5, 0.005])).toEqual([2, 1]);
  });

  it('forgets observations older than the window, a slot at a time', () => {
    const clock = { t: 0 };
    const w = make(16, clock);
    w.observe('a', 5);
    clock.t += 60_000;
    w.observe('a', 7);
    clock.t += 4 * 60_000; // the first slot has left the 5-minute window, the second has not
    expect(w.quantiles('a', [0, 1])).toEqual([7, 7]);
    clock.t += 60_000;
    expect(w.quantiles('a', [0.5])).toEqual([NaN]);
    w.observe('a', 3); // takes over the storage of the slot that left, reset
    expect(w.quantiles('a', [0, 1])).toEqual([3, 3]);
  });
});
