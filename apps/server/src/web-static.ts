import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `pnpm --filter @wick/web build` writes the app, seen from this file. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);
/** Vite names built assets by content hash: they never change, so browsers may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: always revalidated, so a deploy is picked up on reload. */
const REVALIDATE = 'no-cache';
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // lightweight-charts and React set inline styles
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

interface Entry {
  mtimeMs: number;
  size: number;
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
}

export interface WebStatic {
  /** Answers GET/HEAD for a file of the built app (and `/` with index.html); false when it is not one. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

/**
 * Serves the built web app: `/` and `/index.html` with no-cache, hashed `/assets/*` cached for a
 * year, gzip when the client takes it, ETag/304, and nothing outside `root`. Files are read once
 * and kept (with their gzip) until they change on disk.
 */
export function webStatic(options: { root?: string } = {}): WebStatic {
  const root = normalize(options.root ?? DEFAULT_WEB_ROOT);
  const cache = new Map<string, Entry>();

  async function load(file: string): Promise<Entry | null> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const known = cache.get(file);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    const body = await readFile(file);
    const entry: Entry = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      body,
      gzip: COMPRESSIBLE.has(extname(file)) && body.length > 1024 ? gzipSync(body) : null,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`,
    };
    cache.set(file, entry);
    return entry;
  }

  return {
    async handle(req, res, url) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return false;
      }
      if (path === '/') path = '/index.html';
      if (path.includes('\0') || path.split('/').some((part) => part.startsWith('.'))) return false;
      const file = normalize(join(root, path));
      if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
      const entry = await load(file);
      if (!entry) return false;

      const ext = extname(file);
      const headers: Record<string, string> = {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        'cache-control': path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
        etag: entry.etag,
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
      };
      if (ext === '.html') {
        headers['content-security-policy'] = CSP;
        headers['referrer-policy'] = 'same-origin';
      }
      if (req.headers['if-none-match'] === entry.etag) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      const gzip = entry.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? entry.gzip! : entry.body;
      if (gzip) headers['content-encoding'] = 'gzip';
      headers['content-length'] = String(body.length);
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
}
