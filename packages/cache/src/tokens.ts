import { randomBytes } from 'node:crypto';

/**
 * Tokens unique across processes (a random base per process + a counter): they name a fill-lock
 * holder, so only the holder releases its lock, and make rate-limit entries distinct.
 */
export function createTokenSource(): () => string {
  const base = randomBytes(9).toString('base64url');
  let sequence = 0;
  return () => `${base}.${++sequence}`;
}
