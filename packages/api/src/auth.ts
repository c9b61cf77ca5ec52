import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares API keys in constant time: both sides are hashed first so lengths leak nothing either. */
export function keysEqual(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}

/** A short, non-reversible id for an API key, safe to use in rate-limit keys and logs. */
export function apiKeyId(key: string): string {
  return digest(key).subarray(0, 12).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The key a request carries: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.length > 0 ? header : null;
}
