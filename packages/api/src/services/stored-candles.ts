import { candleCodec, type Codec } from '@wick/cache';
import type { CandleColumns } from '@wick/market';

/** A cached candle window: the candles (warm-up history first) and whether live writes can still reach it. */
export interface StoredCandles {
  columns: CandleColumns;
  /**
   * The series went on past the window when it was read (a candle after it, within the query's
   * snapshot). Writes that only touch a series' newest candles can then never change it: advancing
   * it is the identity. Only a correction or a backfill can, and those bump the generation.
   */
  sealed: boolean;
}

/*
 * Layout: u8 flags (bit 0: sealed), 7 bytes zero, then the candle codec's bytes. Eight bytes keep
 * the columns 8-aligned, so a hit still decodes them zero-copy.
 */
const HEADER = 8;
const SEALED = 1;

export const storedCandlesCodec: Codec<StoredCandles> = {
  encode(value) {
    const body = candleCodec.encode(value.columns);
    const out = Buffer.alloc(HEADER + body.length);
    out[0] = value.sealed ? SEALED : 0;
    body.copy(out, HEADER);
    return out;
  },
  decode(buf) {
    if (buf.length < HEADER || (buf[0]! & ~SEALED) !== 0) return undefined;
    const columns = candleCodec.decode(buf.subarray(HEADER));
    return columns && { columns, sealed: (buf[0]! & SEALED) !== 0 };
  },
};
