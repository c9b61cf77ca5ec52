import { randomWalk } from '@wick/testkit';
import { describe, expect, it } from 'vitest';
import { CacheConfigError } from './errors.ts';
import { decodeGlobalEvent, decodeSeriesEvent, encodeGlobalEvent, encodeSeriesEvent, MAX_GLOBAL_EVENT_BYTES } from './live-event-codec.ts';

describe('live event codecs', () => {
  it('a series event round-trips exactly, and its binary form is smaller than JSON of the same numbers', () => {
    const tail = randomWalk(32, { seed: 11, startPrice: 64_000, priceDecimals: 2, volumeDecimals: 3 });
    const event = { rev: 123_456, tail, tailOnly: true };
    const bin = encodeSeriesEvent(event);
    const back = decodeSeriesEvent(bin)!;
    expect(back.rev).toBe(123_456);
    expect(back.tailOnly).toBe(true);
    expect(Array.from(back.tail.close)).toEqual(Array.from(tail.close));
    expect(Array.from(back.tail.time)).toEqual(Array.from(tail.time));
    expect(decodeSeriesEvent(encodeSeriesEvent({ ...event, tailOnly: false }))!.tailOnly).toBe(false);
    const json = Buffer.from(
      JSON.stringify({
        rev: event.rev,
        tailOnly: true,
        tail: Object.fromEntries(Object.entries(tail).map(([k, v]) => [k, Array.from(v as Float64Array)])),
      }),
    );
    console.log(`[live] a 32-candle series event: ${bin.length} bytes binary, ${json.length} bytes as JSON`);
    expect(bin.length).toBe(16 + 48 + 32 * 6 * 8);
    expect(bin.length).toBeLessThan(json.length);
  });

  it('a series payload of another version, truncated, or with a bad rev is not an event', () => {
    const bin = encodeSeriesEvent({ rev: 2, tail: randomWalk(3), tailOnly: false });
    const other = Buffer.from(bin);
    other[2] = 9;
    expect(decodeSeriesEvent(other)).toBeUndefined();
    expect(decodeSeriesEvent(bin.subarray(0, bin.length - 8))).toBeUndefined();
    const badRev = Buffer.from(bin);
    badRev.writeDoubleLE(0.5, 8);
    expect(decodeSeriesEvent(badRev)).toBeUndefined();
    expect(decodeSeriesEvent(Buffer.from('{"rev":1}'))).toBeUndefined();
  });

  it('a global event is JSON, bounded, and must be a JSON value', () => {
    const row = { id: 7, symbol: 'BTCUSDT', side: 'SELL', price: '64000.1200000000', orderTradeTime: 1_700_000_000_000 };
    expect(decodeGlobalEvent(encodeGlobalEvent(row))).toEqual(row);
    expect(decodeGlobalEvent(Buffer.from('{not json'))).toBeUndefined();
    expect(() => encodeGlobalEvent(undefined)).toThrow(CacheConfigError);
    expect(() => encodeGlobalEvent(() => 1)).toThrow(CacheConfigError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeGlobalEvent(cyclic)).toThrow(CacheConfigError);
    expect(() => encodeGlobalEvent({ big: 'x'.repeat(MAX_GLOBAL_EVENT_BYTES) })).toThrow(/at most/);
  });
});
