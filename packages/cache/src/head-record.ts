import { CANDLE_COLUMN_NAMES, type CandleColumns } from '@wick/market';
import { z } from 'zod';
import { candleCodec } from './codec.ts';
import { parseDigits } from './envelope.ts';
import { CacheConfigError } from './errors.ts';

/**
 * A series' head: the rev of its last committed write and the last candles after it (ascending; the
 * last one is provisional). Stored per series at `…:{SYM:iv}:head`; values cached with an older rev
 * are brought up to it by getOrLoad's `advance`.
 */
export interface SeriesHead {
  rev: number;
  tail: CandleColumns;
}

/*
 * Binary layout:
 *   0 'W' 'H'  2 u8 version  3 pad  4 rev, 20 ASCII digits zero-padded (Lua compares GETRANGE 4 23)
 *  24 the tail through candleCodec (its header is a multiple of 8: the columns stay 8-aligned)
 */
const HEAD_VERSION = 1;
const REV_AT = 4;
const REV_WIDTH = 20;
const PAYLOAD_AT = 24;
/** The design keeps K = 32 candles; the bound leaves room without letting a head grow unbounded. */
export const MAX_TAIL_ROWS = 1_024;

/**
 * Revs come from the database: a series' head starts at the database clock in µs (≈ 1.8e15, 16 of
 * the 20 digits) and counts commits from there, so a re-created database continues above an older
 * head this cache still holds. Any safe integer fits the 20 digits, whose byte order is numeric order.
 */
export const revSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export function encodeHead(head: SeriesHead): Buffer {
  const payload = candleCodec.encode(head.tail);
  const out = Buffer.allocUnsafe(PAYLOAD_AT + payload.length);
  out[0] = 0x57;
  out[1] = 0x48;
  out[2] = HEAD_VERSION;
  out[3] = 0;
  out.write(String(head.rev).padStart(REV_WIDTH, '0'), REV_AT, 'latin1');
  payload.copy(out, PAYLOAD_AT);
  return out;
}

/** The rev alone (the hot path compares revs before it decodes any tail); undefined for garbage. */
export function headRevOf(buf: Buffer): number | undefined {
  if (buf.length < PAYLOAD_AT || buf[0] !== 0x57 || buf[1] !== 0x48 || buf[2] !== HEAD_VERSION) return undefined;
  return parseDigits(buf, REV_AT, REV_WIDTH);
}

export function decodeHead(buf: Buffer): SeriesHead | undefined {
  const rev = headRevOf(buf);
  if (rev === undefined) return undefined;
  const tail = candleCodec.decode(buf.subarray(PAYLOAD_AT));
  return tail && { rev, tail };
}

/** Lua's view of a valid head header (magic + version), for the conditional store. */
export const HEAD_MAGIC = `WH${String.fromCharCode(HEAD_VERSION)}\0`;

/**
 * Throws CacheConfigError unless the tail is six Float64Array columns of equal length (at most
 * MAX_TAIL_ROWS) with strictly ascending open times.
 */
export function assertTail(tail: CandleColumns, what: string): void {
  if (typeof tail !== 'object' || tail === null) throw new CacheConfigError(`${what}: tail must be candle columns`);
  const rows = tail.time instanceof Float64Array ? tail.time.length : -1;
  if (rows < 0 || rows > MAX_TAIL_ROWS)
    throw new CacheConfigError(`${what}: tail must hold 0–${MAX_TAIL_ROWS} candles as Float64Array columns`);
  for (const name of CANDLE_COLUMN_NAMES) {
    const column = tail[name];
    if (!(column instanceof Float64Array) || column.length !== rows)
      throw new CacheConfigError(`${what}: tail column "${name}" must be a Float64Array of ${rows} values`);
  }
  for (let i = 1; i < rows; i++)
    if (!(tail.time[i]! > tail.time[i - 1]!)) throw new CacheConfigError(`${what}: tail open times must be strictly ascending`);
}

export function assertRev(rev: number, what: string): void {
  if (!revSchema.safeParse(rev).success) throw new CacheConfigError(`${what}: rev must be an integer from 1 to 2^53-1, got ${String(rev)}`);
}
