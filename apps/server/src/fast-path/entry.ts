import { deflateSegment, gzipMember, storedBlock } from './gzip-splice.ts';

/**
 * One call's stored answer: the exact bytes tRPC wrote, cut around every `cache` object's status and
 * age (the only bytes that differ between two hits of one version), plus precompressed gzip pieces.
 *
 *   {"result":{"data":{"json":{… "cache":{ | "status":"miss","ageMs":0 | },"computeMs":…}}}}
 *                                 fixed[0]         changing (slot 0)        fixed[1]
 */
export interface Entry {
  fixed: Buffer[];
  /** When each slot's cached value was stored (now − its ageMs at capture): a hit reports its true age. */
  storedAt: number[];
  /** Deflate segments of `fixed` (null: too small to be worth compressing). */
  gz: Buffer[] | null;
  /** When the stored answer stops being the procedure's answer (data TTL, open candle's close). */
  expiresAt: number;
  /** Part of the ETag: what this answer is (procedure, canonical input, version). */
  tag: string;
  /** The ETag of this answer asked for alone. */
  etag: string;
  bytes: number;
}

const MARK = Buffer.from('"cache":{"status":"', 'latin1');
const OPEN = '"cache":{'.length;
const AGE = Buffer.from('","ageMs":', 'latin1');
/** Below this the gzip pieces cost more than they save. */
export const GZIP_MIN_BYTES = 1024;

export interface Cut {
  fixed: Buffer[];
  statuses: string[];
  ages: number[];
}

/** Finds the `cache` objects of an answer; null when one does not have the expected shape. */
export function cutSlots(body: Buffer): Cut | null {
  const fixed: Buffer[] = [];
  const statuses: string[] = [];
  const ages: number[] = [];
  let from = 0;
  for (let at = body.indexOf(MARK, 0); at !== -1; at = body.indexOf(MARK, at + 1)) {
    const wordAt = at + MARK.length;
    const wordEnd = body.indexOf(0x22, wordAt);
    if (wordEnd === -1 || !body.subarray(wordEnd, wordEnd + AGE.length).equals(AGE)) return null;
    let end = wordEnd + AGE.length;
    const digitsAt = end;
    while (end < body.length && ((body[end]! >= 0x30 && body[end]! <= 0x39) || (end === digitsAt && body[end] === 0x2d))) end++;
    if (end === digitsAt || body[end] !== 0x7d) return null;
    fixed.push(body.subarray(from, at + OPEN));
    statuses.push(body.toString('latin1', wordAt, wordEnd));
    ages.push(Number(body.toString('latin1', digitsAt, end)));
    from = end;
  }
  fixed.push(body.subarray(from));
  return { fixed, statuses, ages };
}

export function makeEntry(cut: Cut, storedAt: number[], expiresAt: number, tag: string, etag: string): Entry {
  const fixed = cut.fixed.map((b) => Buffer.from(b));
  const rawBytes = fixed.reduce((n, b) => n + b.length, 0);
  const gz = rawBytes >= GZIP_MIN_BYTES ? fixed.map(deflateSegment) : null;
  const bytes = rawBytes + (gz?.reduce((n, b) => n + b.length, 0) ?? 0) + 64 * storedAt.length + tag.length + 64;
  return { fixed, storedAt, gz, expiresAt, tag, etag, bytes };
}

/** What a hit answers at `now`: every slot says `hit` and its age. */
export function slotBytes(entry: Entry, now: number): Buffer[] {
  return entry.storedAt.map((at) => Buffer.from(`"status":"hit","ageMs":${Math.max(0, now - at)}`, 'latin1'));
}

/** The raw pieces of one entry, slots filled in. */
export function rawPieces(entry: Entry, slots: Buffer[], out: Buffer[]): void {
  for (let i = 0; i < entry.fixed.length; i++) {
    out.push(entry.fixed[i]!);
    if (i < slots.length) out.push(slots[i]!);
  }
}

/**
 * The deflate pieces of one entry, slots as stored blocks; an entry too small to have gzip pieces
 * goes as stored blocks too (under GZIP_MIN_BYTES, so within a stored block's 65,535).
 */
export function deflatePieces(entry: Entry, slots: Buffer[], out: Buffer[]): void {
  for (let i = 0; i < entry.fixed.length; i++) {
    out.push(entry.gz ? entry.gz[i]! : storedBlock(entry.fixed[i]!));
    if (i < slots.length) out.push(storedBlock(slots[i]!));
  }
}

const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');
const STORED_OPEN = storedBlock(OPEN_BRACKET);
const STORED_COMMA = storedBlock(COMMA);
const STORED_CLOSE = storedBlock(CLOSE_BRACKET);

/**
 * The body of one call, or of a `?batch=1` (a JSON array of the calls' answers), raw and, when some
 * part is large enough to have gzip pieces, gzip (a batch's small parts ride along uncompressed).
 */
export function assemble(entries: Entry[], batch: boolean, now: number, gzip: boolean): { raw: Buffer[]; gzip: Buffer[] | null } {
  const slots = entries.map((e) => slotBytes(e, now));
  const raw: Buffer[] = [];
  if (batch) raw.push(OPEN_BRACKET);
  entries.forEach((e, i) => {
    if (batch && i > 0) raw.push(COMMA);
    rawPieces(e, slots[i]!, raw);
  });
  if (batch) raw.push(CLOSE_BRACKET);
  if (!gzip || entries.every((e) => e.gz === null)) return { raw, gzip: null };
  const deflated: Buffer[] = [];
  if (batch) deflated.push(STORED_OPEN);
  entries.forEach((e, i) => {
    if (batch && i > 0) deflated.push(STORED_COMMA);
    deflatePieces(e, slots[i]!, deflated);
  });
  if (batch) deflated.push(STORED_CLOSE);
  return { raw, gzip: gzipMember(deflated, raw) };
}
