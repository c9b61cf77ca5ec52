import { seriesCodec, type Codec } from '@wick/cache';

/** A cached indicator result: the window's values, and what advancing it needs. */
export interface StoredResult {
  /** Open times of the window's candles. */
  time: Float64Array;
  outputs: Record<string, Float64Array>;
  /** Time the engine spent computing it. */
  computeMs: number;
  /** Its candle window was sealed (stored-candles.ts): live writes never change it. */
  sealed: boolean;
  /**
   * The indicator's streaming state after the window's last closed candle (every candle but the
   * last, provisional one), as StreamingStateJSON bytes; null when the result is not advanced from
   * state (sealed, a `from` window, an indicator that recomputes, append-aware results off). Parsed
   * only when an advance needs it, so a plain hit never pays for it.
   */
  state: Uint8Array | null;
}

/*
 * Layout, little-endian: f64 computeMs · u8 flags (bit 0 sealed) · 3 bytes zero · u32 state bytes ·
 * the state's UTF-8 JSON, zero-padded to a multiple of 8 · the columns (the cache's series codec,
 * `time` and `out:<name>`). The padding keeps the columns 8-aligned: a hit decodes them zero-copy.
 */
const HEAD = 16;
const SEALED = 1;
const STATE_LENGTH_AT = 12;

const padded = (n: number) => Math.ceil(n / 8) * 8;

export const storedResultCodec: Codec<StoredResult> = {
  encode(r) {
    const columns: Record<string, Float64Array> = { time: r.time };
    for (const [name, values] of Object.entries(r.outputs)) columns[`out:${name}`] = values;
    const body = seriesCodec.encode(columns);
    const stateBytes = r.state?.length ?? 0;
    const bodyAt = HEAD + padded(stateBytes);
    const out = Buffer.alloc(bodyAt + body.length);
    out.writeDoubleLE(r.computeMs, 0);
    out[8] = r.sealed ? SEALED : 0;
    out.writeUInt32LE(stateBytes, STATE_LENGTH_AT);
    if (r.state) out.set(r.state, HEAD);
    body.copy(out, bodyAt);
    return out;
  },
  decode(buf) {
    if (buf.length < HEAD || (buf[8]! & ~SEALED) !== 0) return undefined;
    const stateBytes = buf.readUInt32LE(STATE_LENGTH_AT);
    const bodyAt = HEAD + padded(stateBytes);
    if (bodyAt > buf.length) return undefined;
    const columns = seriesCodec.decode(buf.subarray(bodyAt));
    if (!columns?.time) return undefined;
    const outputs: Record<string, Float64Array> = {};
    for (const [name, values] of Object.entries(columns)) if (name.startsWith('out:')) outputs[name.slice(4)] = values;
    return {
      time: columns.time,
      outputs,
      computeMs: buf.readDoubleLE(0),
      sealed: (buf[8]! & SEALED) !== 0,
      state: stateBytes > 0 ? buf.subarray(HEAD, HEAD + stateBytes) : null,
    };
  },
};
