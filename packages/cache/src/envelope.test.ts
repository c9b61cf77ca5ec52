import { describe, expect, it } from 'vitest';
import { ENVELOPE_HEAD, envelopePrefix, padGen, unwrap, wrap } from './envelope.ts';

describe('envelope', () => {
  it('round-trips generation, head rev, times and payload; the payload starts 8-aligned', () => {
    const payload = Buffer.from('columns');
    const stored = wrap(payload, '1700000000123', 42, 1000.5, 2000.25);
    expect(ENVELOPE_HEAD % 8).toBe(0);
    const env = unwrap(stored)!;
    expect(env).toMatchObject({ gen: padGen('1700000000123'), headRev: 42, storedAtMs: 1000.5, freshUntilMs: 2000.25 });
    expect(env.payload.toString()).toBe('columns');
    expect(env.payload.byteOffset - stored.byteOffset).toBe(ENVELOPE_HEAD);
    // What the Lua scripts compare: the first 24 bytes, and the rev as 20 digits at 24.
    expect(stored.toString('latin1', 0, 24)).toBe(envelopePrefix('1700000000123'));
    expect(stored.toString('latin1', 24, 44)).toBe('00000000000000000042');
    expect(unwrap(wrap(payload, '7', Number.MAX_SAFE_INTEGER, 0, 0))!.headRev).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('values of the previous version (no head rev) and garbage decode as misses', () => {
    const v3 = wrap(Buffer.from('x'), '5', 1, 0, 0);
    const v2 = Buffer.from(v3);
    v2[2] = 2;
    expect(unwrap(v2)).toBeUndefined();
    expect(unwrap(v3.subarray(0, ENVELOPE_HEAD - 1))).toBeUndefined();
    const badRev = Buffer.from(v3);
    badRev[30] = 0x41;
    expect(unwrap(badRev)).toBeUndefined();
    expect(() => wrap(Buffer.alloc(0), '1'.repeat(21), 0, 0, 0)).toThrow(RangeError);
  });
});
