/*
 * What getOrLoad stores around a codec's bytes: the generation it was written at, when it was
 * written and until when it is fresh. The Valkey TTL covers fresh + stale grace; freshness is judged
 * from this header, so a stale-while-revalidate read needs no extra PTTL call.
 *   0 'W' 'E'  2 u8 version  3 pad  4 generation, 20 ASCII digits zero-padded (Lua reads it with
 *   GETRANGE 4 23 without pulling the value)  24 f64 storedAtMs  32 f64 freshUntilMs  40 payload
 */
const HEAD = 40;
const VERSION = 2;
const GEN_WIDTH = 20;

export interface Envelope {
  gen: string;
  storedAtMs: number;
  freshUntilMs: number;
  payload: Buffer;
}

export function padGen(gen: string): string {
  return gen.padStart(GEN_WIDTH, '0');
}

export function wrap(payload: Buffer, gen: string, storedAtMs: number, freshUntilMs: number): Buffer {
  const g = padGen(gen);
  if (g.length !== GEN_WIDTH) throw new RangeError(`generation too long: ${gen}`);
  const out = Buffer.allocUnsafe(HEAD + payload.length);
  out[0] = 0x57;
  out[1] = 0x45;
  out[2] = VERSION;
  out[3] = 0;
  out.write(g, 4, 'latin1');
  out.writeDoubleLE(storedAtMs, 24);
  out.writeDoubleLE(freshUntilMs, 32);
  payload.copy(out, HEAD);
  return out;
}

/** undefined for other versions / garbage; gen is returned zero-padded (compare with padGen). */
export function unwrap(buf: Buffer): Envelope | undefined {
  if (buf.length < HEAD || buf[0] !== 0x57 || buf[1] !== 0x45 || buf[2] !== VERSION) return undefined;
  return {
    gen: buf.toString('latin1', 4, 4 + GEN_WIDTH),
    storedAtMs: buf.readDoubleLE(24),
    freshUntilMs: buf.readDoubleLE(32),
    payload: buf.subarray(HEAD),
  };
}
