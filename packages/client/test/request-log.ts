import type { IncomingHttpHeaders, Server } from 'node:http';

export interface SeenRequest {
  method: string;
  /** Path and query string, as the request line carried them. */
  url: string;
  pathname: string;
  searchParams: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface RequestLog {
  /** tRPC requests seen since the last clear(), in arrival order. */
  trpc(): SeenRequest[];
  clear(): void;
  stop(): void;
}

/** Records every HTTP request the server receives: what the client's links actually sent. */
export function logRequests(server: Server): RequestLog {
  let seen: SeenRequest[] = [];
  const listener = (req: { method?: string; url?: string; headers: IncomingHttpHeaders }) => {
    const url = new URL(req.url ?? '/', 'http://wick.local');
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      pathname: url.pathname,
      searchParams: url.searchParams,
      headers: req.headers,
    });
  };
  server.on('request', listener);
  return {
    trpc: () => seen.filter((r) => r.pathname.startsWith('/trpc/')),
    clear: () => {
      seen = [];
    },
    stop: () => server.off('request', listener),
  };
}

/** The procedures one request carried, in order (`/trpc/a,b,c` → ['a', 'b', 'c']). */
export function proceduresOf(request: SeenRequest): string[] {
  return decodeURIComponent(request.pathname.slice('/trpc/'.length)).split(',');
}
