/*
 * What getOrLoad stores around a codec's bytes: the generation and the series head rev it was
 * written at, when it was written and until when it is fresh. The Valkey TTL covers fresh + stale
 * grace; freshness is judged from this header, so a stale-while-revalidate read needs no extra PTTL.
 *   0 'W' 'E'  2 u8 version  3 pad
 *   4 generation, 20 ASCII digits zero-padded (Lua compares GETRANGE 0 23 without pulling the value)
 *  24 head rev, 20 ASCII digits zero-padded (Lua reads GETRANGE 24 43: the conditional advance write)
 *  44 pad  48 f64 storedAtMs  56 f64 freshUntilMs  64 payload (8-aligned, so columns stay zero-copy)
 * Version 3 added the head rev; values of older versions decode as misses.
 */
export const ENVELOPE_HEAD = 64;
export const ENVELOPE_VERSION = 3;
const GEN_WIDTH = 20;
const REV_AT = 24;
const STORED_AT = 48;
const FRESH_UNTIL = 56;

export interface Envelope {
  /** Zero-padded: compare with padGen. */
  gen: string;
  headRev: number;
  storedAtMs: number;
  freshUntilMs: number;
  payload: Buffer;
}

export function padGen(gen: string): string {
  return gen.padStart(GEN_WIDTH, '0');
}

/** The header prefix Lua compares with GETRANGE 0 23: magic, version and generation. */
export function envelopePrefix(gen: string): string {
  return `WE${String.fromCharCode(ENVELOPE_VERSION)}\0${padGen(gen)}`;
}

export function wrap(payload: Buffer, gen: string, headRev: number, storedAtMs: number, freshUntilMs: number): Buffer {
  const g = padGen(gen);
  if (g.length !== GEN_WIDTH) throw new RangeError(`generation too long: ${gen}`);
  const out = Buffer.allocUnsafe(ENVELOPE_HEAD + payload.length);
  out[0] = 0x57;
  out[1] = 0x45;
  out[2] = ENVELOPE_VERSION;
  out[3] = 0;
  out.write(g, 4, 'latin1');
  out.write(String(headRev).padStart(GEN_WIDTH, '0'), REV_AT, 'latin1');
  out.fill(0, REV_AT + GEN_WIDTH, STORED_AT);
  out.writeDoubleLE(storedAtMs, STORED_AT);
  out.writeDoubleLE(freshUntilMs, FRESH_UNTIL);
  payload.copy(out, ENVELOPE_HEAD);
  return out;
}

/** undefined for other versions / garbage; gen is returned zero-padded (compare with padGen). */
export function unwrap(buf: Buffer): Envelope | undefined {
  if (buf.length < ENVELOPE_HEAD || buf[0] !== 0x57 || buf[1] !== 0x45 || buf[2] !== ENVELOPE_VERSION) return undefined;
  const headRev = parseDigits(buf, REV_AT, GEN_WIDTH);
  if (headRev === undefined) return undefined;
  return {
    gen: buf.toString('latin1', 4, 4 + GEN_WIDTH),
    headRev,
    storedAtMs: buf.readDoubleLE(STORED_AT),
    freshUntilMs: buf.readDoubleLE(FRESH_UNTIL),
    payload: buf.subarray(ENVELOPE_HEAD),
  };
}

/** A run of ASCII digits as a number, without allocating a string (hot path). */
export function parseDigits(buf: Buffer, at: number, width: number): number | undefined {
  let n = 0;
  for (let i = at; i < at + width; i++) {
    const digit = buf[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return n;
}
