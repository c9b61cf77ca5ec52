import type { ServerResponse } from 'node:http';

/** What tRPC wrote for a request: copied while it passes through to the client unchanged. */
export interface Captured {
  status: number;
  body: Buffer;
}

const LIMIT = 8 * 1024 * 1024;

/**
 * Tees the response's body bytes: `write`/`end` still send exactly what tRPC gives them. Resolves
 * when the response finished (null if the client went away first, or the body was too large to
 * keep, or was not plain bytes).
 */
export function captureResponse(res: ServerResponse): Promise<Captured | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let usable = true;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (!usable || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (typeof chunk === 'string') chunk = Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    if (!(chunk instanceof Uint8Array)) return void (usable = false);
    size += chunk.length;
    if (size > LIMIT) return void (usable = false);
    chunks.push(Buffer.from(chunk));
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    keep(args[0], args[1]);
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['end'];
  return new Promise((resolve) => {
    res.once('finish', () => resolve(usable ? { status: res.statusCode, body: Buffer.concat(chunks) } : null));
    res.once('close', () => {
      if (!res.writableFinished) resolve(null);
    });
  });
}
