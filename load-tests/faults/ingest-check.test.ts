import { describe, expect, it } from 'vitest';
import { allowedByTime, allowedCloses, verdict, type IngestAttempt } from './ingest-check.ts';

const at = (close: number, start: number, end: number, status = 200): IngestAttempt => ({ time: 60_000, close, start, end, status });

describe('allowedCloses', () => {
  it('is the last acknowledged close when attempts do not overlap', () => {
    expect(allowedCloses([at(1, 0, 10), at(2, 20, 30)])).toEqual(new Set([2]));
  });

  it('allows a failed attempt that ended after the last ack began (it may have committed after it)', () => {
    expect(allowedCloses([at(1, 0, 10), at(2, 5, 40, 503), at(3, 50, 60, 0)])).toEqual(new Set([1, 2, 3]));
  });

  it('does not allow a failed attempt that ended before the last ack began', () => {
    expect(allowedCloses([at(2, 0, 10, 503), at(1, 20, 30)])).toEqual(new Set([1]));
  });

  it('allows both of two overlapping acks (their commit order is unknown)', () => {
    expect(allowedCloses([at(1, 0, 30), at(2, 10, 20)])).toEqual(new Set([1, 2]));
  });

  it('promises nothing when no attempt was acknowledged', () => {
    expect(allowedCloses([at(1, 0, 10, 503)])).toBeNull();
  });

  it('groups by time', () => {
    const m = allowedByTime([at(1, 0, 10), { ...at(5, 0, 10), time: 120_000 }, { ...at(6, 0, 10, 503), time: 180_000 }]);
    expect([...m.entries()]).toEqual([
      [60_000, new Set([1])],
      [120_000, new Set([5])],
    ]);
  });
});

describe('verdict', () => {
  it('tells a write missing from MySQL from a reader serving older data', () => {
    const allowed = new Set([2, 3]);
    expect(verdict(allowed, 2, 2)).toBe('ok');
    expect(verdict(allowed, 3, 2)).toBe('stale');
    expect(verdict(allowed, 1, 1)).toBe('lost');
    expect(verdict(allowed, undefined, 2)).toBe('lost');
  });
});
