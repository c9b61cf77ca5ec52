import { emptyCandleColumns, type CandleColumns } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { CacheConfigError } from './errors.ts';
import { assertRev, assertTail, decodeHead, encodeHead, headRevOf, MAX_TAIL_ROWS } from './head-record.ts';

function tail(n: number, t0 = 1_700_000_000_000): CandleColumns {
  const out = emptyCandleColumns(n);
  for (let i = 0; i < n; i++) {
    out.time[i] = t0 + i * 60_000;
    out.open[i] = 100 + i;
    out.high[i] = 101 + i;
    out.low[i] = 99 + i;
    out.close[i] = 100.5 + i;
    out.volume[i] = i % 2 ? 0 : 1e-9 * i;
  }
  return out;
}

describe('head record', () => {
  it('round-trips rev and tail exactly; the rev is readable without decoding the tail', () => {
    const head = { rev: 9_007_199_254_740_991, tail: tail(32) };
    const buf = encodeHead(head);
    expect(headRevOf(buf)).toBe(head.rev);
    const back = decodeHead(buf)!;
    expect(back.rev).toBe(head.rev);
    for (const name of ['time', 'open', 'high', 'low', 'close', 'volume'] as const)
      expect(Array.from(back.tail[name])).toEqual(Array.from(head.tail[name]));
    expect(decodeHead(encodeHead({ rev: 1, tail: tail(0) }))!.tail.time.length).toBe(0);
  });

  it('garbage, another version or a truncated record is no head', () => {
    const buf = encodeHead({ rev: 3, tail: tail(2) });
    const other = Buffer.from(buf);
    other[2] = 2;
    expect(headRevOf(other)).toBeUndefined();
    expect(decodeHead(buf.subarray(0, buf.length - 1))).toBeUndefined();
    expect(headRevOf(Buffer.from('WH'))).toBeUndefined();
  });

  it('refuses revs and tails the design does not allow, naming the problem', () => {
    for (const rev of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(() => assertRev(rev, 'advanceHead')).toThrow(CacheConfigError);
    expect(() => assertTail(tail(MAX_TAIL_ROWS + 1), 'x')).toThrow(/0–1024 candles/);
    const uneven = tail(3);
    uneven.close = new Float64Array(2);
    expect(() => assertTail(uneven, 'x')).toThrow(/column "close"/);
    const descending = tail(3);
    descending.time.reverse();
    expect(() => assertTail(descending, 'x')).toThrow(/strictly ascending/);
    expect(() => assertTail({ ...tail(2), volume: [1, 2] } as unknown as CandleColumns, 'x')).toThrow(CacheConfigError);
    expect(() => assertTail(tail(32), 'x')).not.toThrow();
  });
  it('clock-based revs (µs since the epoch, as a re-created database starts them) keep their order in the bytes Lua compares', () => {
    // The stored rev is compared as the 20 digits after the header (ADVANCE_HEAD, and the envelope's
    // conditional advance): their byte order must be the numeric order, across digit counts too.
    const revs = [1, 41, 999_999, 1_764_633_600_000_000, 1_764_633_600_000_001, 1_800_000_000_000_000, Number.MAX_SAFE_INTEGER];
    const digits = revs.map((rev) => encodeHead({ rev, tail: tail(1) }).toString('latin1', 4, 24));
    expect(digits.map((d) => d.length)).toEqual(revs.map(() => 20));
    expect([...digits].sort()).toEqual(digits);
    for (const rev of revs) {
      expect(headRevOf(encodeHead({ rev, tail: tail(1) }))).toBe(rev);
      expect(() => assertRev(rev, 'advanceHead')).not.toThrow();
    }
  });
});
