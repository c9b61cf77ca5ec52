import { candleCodec } from './codec.ts';
import { CacheConfigError } from './errors.ts';
import type { SeriesEvent } from './live-types.ts';

/*
 * Live payloads. A series event is binary: a 32-candle tail is 1,600 bytes this way against 1,926
 * as JSON of the same numbers with 2-decimal prices (more with longer decimals; measured in
 * live-event-codec.test.ts), and it decodes into Float64Arrays without parsing.
 *   0 'W' 'V'  2 u8 version  3 u8 flags (bit 0: tailOnly)  4 pad  8 f64 rev  16 the tail through candleCodec
 * A global event (a liquidation row) is JSON: small, and its decimals are strings.
 */
const SERIES_EVENT_VERSION = 1;
const TAIL_AT = 16;
/** A global event is one row, not a batch: refuse anything large before it reaches every subscriber. */
export const MAX_GLOBAL_EVENT_BYTES = 64 * 1024;

export function encodeSeriesEvent(event: SeriesEvent): Buffer {
  const tail = candleCodec.encode(event.tail);
  const out = Buffer.alloc(TAIL_AT + tail.length);
  out[0] = 0x57;
  out[1] = 0x56;
  out[2] = SERIES_EVENT_VERSION;
  out[3] = event.tailOnly ? 1 : 0;
  out.writeDoubleLE(event.rev, 8);
  tail.copy(out, TAIL_AT);
  return out;
}

export function decodeSeriesEvent(buf: Buffer): SeriesEvent | undefined {
  if (buf.length < TAIL_AT || buf[0] !== 0x57 || buf[1] !== 0x56 || buf[2] !== SERIES_EVENT_VERSION) return undefined;
  const rev = buf.readDoubleLE(8);
  if (!Number.isSafeInteger(rev) || rev < 1) return undefined;
  const tail = candleCodec.decode(buf.subarray(TAIL_AT));
  return tail && { rev, tail, tailOnly: (buf[3]! & 1) === 1 };
}

export function encodeGlobalEvent(event: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(event);
  } catch (cause) {
    throw new CacheConfigError('a global live event must be JSON-serialisable', { cause });
  }
  if (text === undefined) throw new CacheConfigError('a global live event must be a JSON value (not undefined or a function)');
  const out = Buffer.from(text, 'utf8');
  if (out.length > MAX_GLOBAL_EVENT_BYTES)
    throw new CacheConfigError(`a global live event is at most ${MAX_GLOBAL_EVENT_BYTES} bytes as JSON, got ${out.length}`);
  return out;
}

export function decodeGlobalEvent(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
