import type { IncomingMessage, ServerResponse } from 'node:http';

/** A plain HTTP route beside tRPC (metrics, health, exports): server.ts mounts these by path. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Retry-After (whole seconds, rounded up) for a refusal that knows when to come back; none otherwise. */
export function retryAfterHeader(retryAfterMs: number | undefined): Record<string, string> {
  return retryAfterMs !== undefined && retryAfterMs > 0 ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : {};
}

/** True when Accept-Encoding allows gzip (explicitly or via `*`) with a non-zero q. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
