// Raw HTTP for the fast-path tests: the exact bytes and headers, which a tRPC client would hide.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent (gzip when content-encoding says so). */
  wire: Buffer;
  /** The body decoded (gunzipped), as text. */
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

export function get(base: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { agent, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          const wire = Buffer.concat(parts);
          const decoded = res.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, text: decoded.toString('utf8') });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export interface Call {
  path: string;
  input?: unknown;
}

/** `/trpc/<path>?input=…` for one call, `/trpc/a,b?batch=1&input=…` for a batch (superjson without meta). */
export function trpcPath(calls: Call[], batch: boolean): string {
  const paths = calls.map((c) => c.path).join(',');
  if (!batch) {
    const c = calls[0]!;
    return c.input === undefined ? `/trpc/${paths}` : `/trpc/${paths}?input=${encodeURIComponent(JSON.stringify({ json: c.input }))}`;
  }
  const input = Object.fromEntries(calls.map((c, i) => [String(i), c.input === undefined ? {} : { json: c.input }]));
  return `/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
}

const CACHE_FIELD = /"cache":\{"status":"(hit|miss|stale|bypass)","ageMs":-?\d+\}/g;

/** The body with only the cache status and age normalised: what must be identical between the fast path and tRPC. */
export function normalised(text: string): string {
  return text.replace(CACHE_FIELD, '"cache":{"status":"*","ageMs":*}');
}

/** The cache statuses a body reports, in order. */
export function statuses(text: string): string[] {
  return [...text.matchAll(CACHE_FIELD)].map((m) => m[1]!);
}

/** A counter or gauge of /metrics text (the series with exactly these labels; 0 when absent). */
export function metricValue(exposition: string, name: string, labels = ''): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** A Binance forceOrder event for liquidations.ingest: `i` makes it unique (quantity) and repeatable. */
export function liquidationEvent(i: number, symbol: string, orderTradeTime: number) {
  const qty = (0.001 * (1 + (i % 997))).toFixed(3);
  const price = symbol.startsWith('BTC') ? '42000.10' : '2300.55';
  return {
    symbol,
    side: i % 2 ? ('SELL' as const) : ('BUY' as const),
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: qty,
    price,
    averagePrice: price,
    orderStatus: 'FILLED',
    lastFillQuantity: qty,
    accumulatedFillQuantity: qty,
    orderTradeTime,
  };
}
