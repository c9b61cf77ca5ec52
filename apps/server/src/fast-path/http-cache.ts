import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A weak ETag: it names the answer (procedures, canonical inputs, series versions), not its bytes,
 * since the `cache.ageMs` inside changes with every hit while the data stays the same.
 */
export function etagOf(tags: string[]): string {
  const h = createHash('sha1');
  for (const t of tags) h.update(t).update('\n');
  return `W/"${h.digest('base64url').slice(0, 22)}"`;
}

/** If-None-Match against our ETag (weak comparison, as RFC 9110 asks for GET). */
export function notModified(headers: IncomingHttpHeaders, etag: string): boolean {
  const given = headers['if-none-match'];
  if (typeof given !== 'string' || given.length === 0) return false;
  const ours = etag.slice(2);
  return given.split(',').some((raw) => {
    const t = raw.trim();
    return t === '*' || t === etag || t === ours || (t.startsWith('W/') && t.slice(2) === ours);
  });
}

/** gzip accepted (and not refused with q=0). */
export function acceptsGzip(headers: IncomingHttpHeaders): boolean {
  const accept = headers['accept-encoding'];
  if (typeof accept !== 'string') return false;
  for (const part of accept.split(',')) {
    const [coding, ...params] = part.trim().split(';');
    if (coding!.trim().toLowerCase() !== 'gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/**
 * Cache-Control of a stored answer. Never a max-age: a write through Wick moves the series version at
 * once, and "after ingest returns nobody sees the old value" would not hold for a copy a browser or a
 * proxy keeps for a TTL; `no-cache` lets them keep it and revalidate with If-None-Match (a 304 costs
 * no body). `private` when answers are rate limited per caller (a shared cache would serve one
 * caller's quota to others).
 */
export function cacheControl(rateLimited: boolean): string {
  return rateLimited ? 'private, no-cache' : 'no-cache';
}

/** tRPC's own Vary, plus the coding, plus the key headers when the answer is per caller. */
export function vary(rateLimited: boolean): string {
  return rateLimited ? 'trpc-accept, accept, accept-encoding, authorization, x-api-key' : 'trpc-accept, accept, accept-encoding';
}
