/*
 * What getOrLoad stores around a codec's bytes: when it was written and until when it is fresh.
 * The Valkey TTL covers fresh + stale grace; freshness itself is judged from this header, so a
 * stale-while-revalidate read needs no extra PTTL call.
 *   0 'W' 'E'  2 u8 version  3 pad  4 pad×4  8 f64 storedAtMs  16 f64 freshUntilMs  24 payload
 */
const HEAD = 24;
const VERSION = 1;

export interface Envelope {
  storedAtMs: number;
  freshUntilMs: number;
  payload: Buffer;
}

export function wrap(payload: Buffer, storedAtMs: number, freshUntilMs: number): Buffer {
  const out = Buffer.allocUnsafe(HEAD + payload.length);
  out[0] = 0x57;
  out[1] = 0x45;
  out[2] = VERSION;
  out.fill(0, 3, 8);
  out.writeDoubleLE(storedAtMs, 8);
  out.writeDoubleLE(freshUntilMs, 16);
  payload.copy(out, HEAD);
  return out;
}

export function unwrap(buf: Buffer): Envelope | undefined {
  if (buf.length < HEAD || buf[0] !== 0x57 || buf[1] !== 0x45 || buf[2] !== VERSION) return undefined;
  return { storedAtMs: buf.readDoubleLE(8), freshUntilMs: buf.readDoubleLE(16), payload: buf.subarray(HEAD) };
}
