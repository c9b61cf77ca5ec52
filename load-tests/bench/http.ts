// Small HTTP helpers for measurements the load generator does not make: one request at a time
// over a keep-alive socket, many at once, and whole streamed bodies.
import http from 'node:http';
import { decodeResponse, queryUrl } from '../lib/trpc-wire.js';

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
const wide = new http.Agent({ keepAlive: false, maxSockets: Infinity });

export interface Answer {
  status: number;
  body: string;
  ms: number;
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
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), ms: performance.now() - started }),
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
  return Promise.all(urls.map((u) => request(u, { agent: wide }).catch((err: Error) => ({ status: 0, body: String(err.message), ms: 0 }))));
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
