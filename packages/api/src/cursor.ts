import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque keyset cursors: version | order_trade_time | id | issued-at, then an HMAC over those
 * bytes *and* the canonical filter set, so a cursor cannot be forged, edited, or replayed with
 * other filters (it would land on a page of a different result set). Binary, not JSON: a cursor
 * travels in every URL of an infinite scroll, and this one is 50 characters.
 */

const VERSION = 1;
const PAYLOAD_BYTES = 1 + 8 + 8 + 4;
const MAC_BYTES = 16;
/** Long enough for any scroll session; older cursors are refused rather than trusted forever. */
export const CURSOR_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface CursorPosition {
  time: number;
  id: number;
}

export interface CursorFilter {
  symbol?: string | undefined;
  side?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  minUsd?: number | undefined;
}

export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(`Invalid cursor: ${reason}. Start again from the first page (omit cursor).`);
    this.name = 'InvalidCursorError';
  }
}

/** One string per filter set: every field in a fixed order, absent ones empty. */
export function filterFingerprint(f: CursorFilter): string {
  return [f.symbol ?? '', f.side ?? '', f.from ?? '', f.to ?? '', f.minUsd ?? ''].map(String).join('|');
}

function mac(secret: string, payload: Buffer, filter: CursorFilter): Buffer {
  return createHmac('sha256', secret).update(payload).update(filterFingerprint(filter)).digest().subarray(0, MAC_BYTES);
}

export function encodeCursor(secret: string, at: CursorPosition, filter: CursorFilter, nowMs = Date.now()): string {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload.writeUInt8(VERSION, 0);
  payload.writeBigUInt64BE(BigInt(at.time), 1);
  payload.writeBigUInt64BE(BigInt(at.id), 9);
  payload.writeUInt32BE(Math.floor(nowMs / 1000), 17);
  return Buffer.concat([payload, mac(secret, payload, filter)]).toString('base64url');
}

export function decodeCursor(secret: string, cursor: string, filter: CursorFilter, nowMs = Date.now()): CursorPosition {
  const raw = Buffer.from(cursor, 'base64url');
  // Round-trip check: base64url decoding silently skips junk characters.
  if (raw.length !== PAYLOAD_BYTES + MAC_BYTES || raw.toString('base64url') !== cursor) {
    throw new InvalidCursorError('not a cursor this server issued');
  }
  const payload = raw.subarray(0, PAYLOAD_BYTES);
  if (!timingSafeEqual(raw.subarray(PAYLOAD_BYTES), mac(secret, payload, filter))) {
    throw new InvalidCursorError('signature mismatch (forged, or issued for other filters)');
  }
  if (payload.readUInt8(0) !== VERSION) throw new InvalidCursorError('unknown cursor version');
  const issuedMs = payload.readUInt32BE(17) * 1000;
  if (nowMs - issuedMs > CURSOR_MAX_AGE_MS) throw new InvalidCursorError('expired');
  const time = payload.readBigUInt64BE(1);
  const id = payload.readBigUInt64BE(9);
  if (time > BigInt(Number.MAX_SAFE_INTEGER) || id > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidCursorError('position out of range');
  }
  return { time: Number(time), id: Number(id) };
}
