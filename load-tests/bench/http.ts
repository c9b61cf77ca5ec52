// Small HTTP helpers for measurements the load generator does not make: one request at a time
// over a keep-alive socket, many at once, and whole streamed bodies.
import { spawn } from 'node:child_process';
import http from 'node:http';
import autocannon from 'autocannon';
import { decodeResponse, queryUrl } from '../lib/trpc-wire.js';

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
const wide = new http.Agent({ keepAlive: false, maxSockets: Infinity });

export interface Answer {
  status: number;
  body: string;
  ms: number;
  headers: http.IncomingHttpHeaders;
}

type RequestOptions = { agent?: http.Agent; method?: string; headers?: Record<string, string>; body?: string };

/** One request; a GET on a keep-alive socket the server just closed (its idle timeout) is retried once. */
export async function request(url: string, opts: RequestOptions = {}): Promise<Answer> {
  try {
    return await requestOnce(url, opts);
  } catch (err) {
    if (
      (opts.method ?? 'GET') === 'GET' &&
      (err as NodeJS.ErrnoException).code === 'ECONNRESET' &&
      (opts.agent ?? keepAlive) === keepAlive
    ) {
      return requestOnce(url, opts);
    }
    throw err;
  }
}

function requestOnce(url: string, opts: RequestOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { agent: opts.agent ?? keepAlive, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString('utf8'),
          ms: performance.now() - started,
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

/** Many requests started in the same tick, each on its own connection; a failed one is status 0. */
export function simultaneous(urls: string[]): Promise<Answer[]> {
  return Promise.all(
    urls.map((u) => request(u, { agent: wide }).catch((err: Error) => ({ status: 0, body: String(err.message), ms: 0, headers: {} }))),
  );
}

/** A tRPC query's data; throws on an error answer. */
export async function query<T>(base: string, path: string, input?: unknown): Promise<{ data: T; ms: number }> {
  const a = await request(queryUrl(base, path, input));
  const d = decodeResponse(a.body);
  if (!d.ok) throw new Error(`${path}: ${d.error.code} ${d.error.message}`);
  return { data: d.data as T, ms: a.ms };
}

/** Streams a body, counting bytes and lines without keeping it. */
export function streamCount(url: string): Promise<{ status: number; bytes: number; lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { agent: wide }, (res) => {
        let bytes = 0;
        let lines = 0;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
          for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines, ms: performance.now() - started }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A value of a Prometheus text exposition (first series of that name, labels ignored). */
export async function metric(base: string, name: string): Promise<number> {
  const a = await request(`${base}/metrics`);
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(a.body);
  return m ? Number(m[1]) : NaN;
}

export interface EngineCounts {
  completed: number;
  inlineRuns: number;
}

/** Engine computations so far: pooled (completed) + run inline on the event loop. */
export async function engineRuns(base: string): Promise<number> {
  const a = await request(`${base}/health`);
  const h = JSON.parse(a.body) as { engine: EngineCounts };
  return h.engine.completed + h.engine.inlineRuns;
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function stats(ms: number[]): { p50: number; p90: number; p99: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), n: s.length };
}

export interface Cell {
  reqPerS: number;
  p50: number;
  p99: number;
  requests: number;
  /** Errors, timeouts and answers other than the expected status. */
  failed: number;
  /** Bytes received per answer (headers + body, as on the wire). */
  bytesPerReq: number;
  /** Process CPU seconds of the serving process per answer (NaN when not measured). */
  cpuPerReq: number;
}

/**
 * One autocannon cell against one URL with fixed headers, counting `expect` answers as good (a 304
 * is a success for revalidation) and the serving process's CPU time across it.
 */
export async function loadCell(opts: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  expect?: number;
  cpuSeconds?: () => Promise<number>;
}): Promise<Cell> {
  const u = new URL(opts.url);
  const cpuBefore = opts.cpuSeconds ? await opts.cpuSeconds() : NaN;
  const result = await autocannon({
    url: u.origin,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [{ method: 'GET', path: u.pathname + u.search, ...(opts.headers ? { headers: opts.headers } : {}) }],
  });
  const cpuAfter = opts.cpuSeconds ? await opts.cpuSeconds() : NaN;
  const expected = String(opts.expect ?? 200) as `${number}`;
  const good = result.statusCodeStats?.[expected]?.count ?? 0;
  const total = result.requests.total;
  return {
    reqPerS: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: total,
    failed: result.errors + result.timeouts + Math.max(0, total - good),
    bytesPerReq: total > 0 ? result.throughput.total / total : NaN,
    cpuPerReq: total > 0 ? (cpuAfter - cpuBefore) / total : NaN,
  };
}

/** A Wick process's CPU seconds so far (prom-client's process metric). */
export const wickCpuSeconds = (base: string) => () => metric(base, 'process_cpu_seconds_total');

const RAW_SERVER = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.env.RAW_BODY_FILE);
const server = http.createServer((req, res) => {
  if (req.url === '/cpu') { const u = process.cpuUsage(); return res.end(String((u.user + u.system) / 1e6)); }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/**
 * The baseline: a plain node:http server in its own process writing the same bytes from memory for
 * every request (what "past the tRPC floor" is measured against).
 */
export async function startRawServer(bodyFile: string): Promise<{ url: string; cpuSeconds: () => Promise<number>; stop(): void }> {
  const child = spawn(process.execPath, ['-e', RAW_SERVER], {
    env: { ...process.env, RAW_BODY_FILE: bodyFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`raw server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    cpuSeconds: async () => Number((await request(`${url}/cpu`)).body),
    stop: () => void child.kill('SIGTERM'),
  };
}
