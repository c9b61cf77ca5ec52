import type { CandleColumns } from '@wick/market';
import { describe, expect, it } from 'vitest';
import { candleCodec, FORMAT_VERSION, jsonCodec, seriesCodec } from './codec.ts';
import { ENVELOPE_HEAD } from './envelope.ts';

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function cols(n: number): CandleColumns {
  const mk = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    time: mk((i) => 1_700_000_000_000 + i * 60_000),
    open: mk((i) => 100 + i),
    high: mk((i) => 101 + i),
    low: mk((i) => 99 + i),
    close: mk((i) => 100.5 + i),
    volume: mk((i) => (i % 3 === 0 ? 0 : 1e-9 * i)),
  };
}

describe('candleCodec', () => {
  it('round-trips 5,000 candles bit for bit, extra columns included', () => {
    const withTrades: Record<string, Float64Array> = { ...cols(5000), trades: Float64Array.from({ length: 5000 }, (_, i) => i) };
    const decoded = candleCodec.decode(candleCodec.encode(withTrades as unknown as CandleColumns))!;
    const out = decoded as unknown as Record<string, Float64Array>;
    for (const name of Object.keys(withTrades)) expect(sameBits(out[name]!, withTrades[name]!)).toBe(true);
    expect(Object.keys(out)).toEqual(Object.keys(withTrades));
  });

  it('round-trips an empty series', () => {
    const out = candleCodec.decode(candleCodec.encode(cols(0)))!;
    expect(out.close.length).toBe(0);
    expect(Object.keys(out)).toEqual(['time', 'open', 'high', 'low', 'close', 'volume']);
  });

  it('decodes from an unaligned buffer into fresh, transferable memory', () => {
    const enc = candleCodec.encode(cols(10));
    const shifted = Buffer.alloc(enc.length + 3);
    enc.copy(shifted, 3);
    const out = candleCodec.decode(shifted.subarray(3))!;
    expect(out.close[9]).toBe(109.5);
    expect(out.close.buffer).not.toBe(shifted.buffer);
  });

  it('rejects a series payload, a missing column, truncation and trailing garbage', () => {
    const series = seriesCodec.encode({ close: new Float64Array(3) });
    expect(candleCodec.decode(series)).toBeUndefined();
    const { volume: _v, ...noVolume } = cols(3);
    expect(candleCodec.decode(seriesCodec.encode(noVolume).fill(1, 3, 4))).toBeUndefined();
    const enc = candleCodec.encode(cols(3));
    expect(candleCodec.decode(enc.subarray(0, enc.length - 1))).toBeUndefined();
    expect(candleCodec.decode(Buffer.concat([enc, Buffer.from([0])]))).toBeUndefined();
    expect(candleCodec.decode(Buffer.alloc(0))).toBeUndefined();
    expect(candleCodec.decode(Buffer.from('{"json":true}'))).toBeUndefined();
  });

  it('a version mismatch is a miss, never garbage', () => {
    const enc = candleCodec.encode(cols(3));
    enc[2] = FORMAT_VERSION + 1;
    expect(candleCodec.decode(enc)).toBeUndefined();
  });
});

describe('seriesCodec', () => {
  it('keeps NaN warm-up regions, infinities and -0 exactly', () => {
    const rsi = Float64Array.from({ length: 1000 }, (_, i) => (i < 14 ? NaN : (i % 100) + 0.125));
    const weird = Float64Array.from([NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, Number.MAX_VALUE]);
    const macd = { macd: rsi, signal: rsi.map((x) => x / 2), hist: rsi.map((x) => x * 3) };
    const out = seriesCodec.decode(seriesCodec.encode(macd))!;
    expect(sameBits(out.macd!, macd.macd)).toBe(true);
    expect(sameBits(out.hist!, macd.hist)).toBe(true);
    expect(Number.isNaN(out.signal![13])).toBe(true);
    const w = seriesCodec.decode(seriesCodec.encode({ 'ünïcode name': weird }))!;
    expect(sameBits(w['ünïcode name']!, weird)).toBe(true);
    expect(Object.is(w['ünïcode name']![3], -0)).toBe(true);
  });

  it('round-trips empty series and no columns at all', () => {
    expect(seriesCodec.decode(seriesCodec.encode({ rsi: new Float64Array(0) }))).toEqual({ rsi: new Float64Array(0) });
    expect(seriesCodec.decode(seriesCodec.encode({}))).toEqual({});
  });

  it('refuses columns of different lengths', () => {
    expect(() => seriesCodec.encode({ a: new Float64Array(2), b: new Float64Array(3) })).toThrow(RangeError);
  });
});

describe('jsonCodec', () => {
  it('round-trips objects and rejects other payloads', () => {
    const c = jsonCodec<{ symbols: string[]; n: number }>();
    const v = { symbols: ['BTCUSDT', 'ETHUSDT'], n: 2 };
    expect(c.decode(c.encode(v))).toEqual(v);
    expect(c.decode(seriesCodec.encode({}))).toBeUndefined();
    const bad = c.encode(v);
    bad[2] = 99;
    expect(c.decode(bad)).toBeUndefined();
  });
});

describe('zero-copy decode', () => {
  it('views an exclusively owned, aligned buffer without copying, and copies a shared one', () => {
    const enc = candleCodec.encode(cols(2000)); // > pool size, own ArrayBuffer
    const own = Buffer.alloc(enc.length);
    enc.copy(own);
    const a = candleCodec.decode(own)!;
    expect(a.close.buffer).toBe(own.buffer);
    const small = candleCodec.encode(cols(3));
    const inPool = Buffer.from(small); // < 4 KB: lives in a shared pool slab
    const b = candleCodec.decode(inPool)!;
    expect(b.close.buffer).not.toBe(inPool.buffer);
    expect(Array.from(b.close)).toEqual([100.5, 101.5, 102.5]);
    // With the envelope in front (as stored in Valkey) the columns stay 8-aligned.
    const env = Buffer.alloc(ENVELOPE_HEAD + enc.length);
    enc.copy(env, ENVELOPE_HEAD);
    expect(candleCodec.decode(env.subarray(ENVELOPE_HEAD))!.close.buffer).toBe(env.buffer);
  });
});
