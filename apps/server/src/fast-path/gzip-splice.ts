import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * gzip built from pieces, so a stored answer is compressed once yet its few changing bytes (the
 * cache status and age) are exact on every hit: the fixed parts are raw deflate segments ended with
 * a sync flush (byte-aligned, not final), the changing bytes go in stored (uncompressed) blocks, and
 * an empty final block closes the stream. Only the CRC-32 is computed per answer (~7 µs per 32 KB).
 */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
/** BFINAL=1, fixed Huffman, end of block. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** A fixed part as deflate blocks that can be followed by more blocks. */
export function deflateSegment(raw: Buffer): Buffer {
  return deflateRawSync(raw, { level: 6, finishFlush: constants.Z_SYNC_FLUSH });
}

/** Uncompressed bytes as one stored block (up to 65,535 bytes; the changing parts are a few dozen). */
export function storedBlock(raw: Buffer): Buffer {
  if (raw.length > 0xffff) throw new Error('stored block too long');
  const head = Buffer.from([0x00, raw.length & 0xff, raw.length >> 8, ~raw.length & 0xff, (~raw.length >> 8) & 0xff]);
  return Buffer.concat([head, raw]);
}

/**
 * The gzip member of `raw` (the uncompressed pieces, in order) given its deflate pieces: header +
 * pieces + final block + CRC-32 + size.
 */
export function gzipMember(deflated: Buffer[], raw: Buffer[]): Buffer[] {
  let crc = 0;
  let size = 0;
  for (const r of raw) {
    crc = crc32(r, crc);
    size += r.length;
  }
  const trailer = Buffer.allocUnsafe(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  return [HEADER, ...deflated, FINAL_EMPTY_BLOCK, trailer];
}
