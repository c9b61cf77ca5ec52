// autocannon runs against one URL (or a drawn mix of URLs), summarised the same way each time.
import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  reqPerS: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export async function load(opts: {
  url: string;
  connections: number;
  seconds: number;
  /** Draws each request's path (after the origin); by default every request is the same URL. */
  nextPath?: () => string;
  onBody?: (status: number, body: string) => void;
}): Promise<LoadResult> {
  const u = new URL(opts.url);
  const request: autocannon.Request = { method: 'GET', path: u.pathname + u.search };
  if (opts.nextPath) {
    const next = opts.nextPath;
    request.setupRequest = (req) => ({ ...req, path: next() });
  }
  if (opts.onBody) {
    const onBody = opts.onBody;
    request.onResponse = (status, body) => onBody(status, body);
  }
  const result = await autocannon({
    url: u.origin,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [request],
  });
  return {
    connections: opts.connections,
    reqPerS: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
