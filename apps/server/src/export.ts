import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import {
  enforceRateLimit,
  liquidationFilter,
  RateLimitedError,
  toTRPCError,
  type ApiConfig,
  type ApiMetrics,
  type RequestInfo,
  type Services,
} from '@wick/api';
import { LIQUIDATION_COLUMNS, type LiquidationTuple } from '@wick/db';
import type { Logger } from 'pino';
import { z } from 'zod';

/**
 * Plain HTTP liquidation exports for curl and spreadsheets:
 *   GET /export/liquidations.csv?symbol=BTCUSDT&side=SELL&from=…&to=…&minUsd=…
 *   GET /export/liquidations.ndjson?…
 * Rows stream from one DB cursor in batches; each batch becomes one string and one write (per-row
 * writes cost more than the DB read). Backpressure end to end: a full socket stops the writes,
 * which stops reading the DB stream, which pauses the MySQL socket. A client that leaves aborts
 * the query and returns its connection.
 */

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface ExportDeps {
  services: Services;
  config: ApiConfig;
  requestInfo: (req: IncomingMessage) => RequestInfo;
  log: Logger;
  metrics: ApiMetrics;
}

const ALLOWED = new Set(['symbol', 'side', 'from', 'to', 'minUsd']);
const NUMERIC = new Set(['from', 'to', 'minUsd']);

/** Query strings carry text: numbers and the side are converted, then the API's own filter schema decides. */
export const exportQuery = z.preprocess((raw) => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw as Record<string, string>)) {
    out[k] = NUMERIC.has(k) && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v) ? Number(v) : k === 'side' ? v.toUpperCase() : v;
  }
  return out;
}, liquidationFilter);

export type ExportFilter = z.output<typeof exportQuery>;

type Format = 'csv' | 'ndjson';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Parses the query string; unknown or repeated parameters are errors, not silently ignored. */
export function parseExportQuery(url: URL): { ok: true; filter: ExportFilter } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (!ALLOWED.has(k)) return { ok: false, message: `Unknown parameter "${k}"; allowed: ${[...ALLOWED].join(', ')}` };
    if (k in raw) return { ok: false, message: `Parameter "${k}" given twice` };
    if (v !== '') raw[k] = v;
  }
  const parsed = exportQuery.safeParse(raw);
  if (!parsed.success) {
    const parts = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
    return { ok: false, message: `Invalid export parameters — ${parts.join('; ')}` };
  }
  return { ok: true, filter: parsed.data };
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

// --- formatting ----------------------------------------------------------------------------------

/**
 * Text fields repeat (a handful of symbols, sides, order types): quote each distinct value once.
 * Bounded, in case an import brought many distinct values.
 */
function memo(fn: (s: string) => string): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    let out = seen.get(s);
    if (out === undefined) {
      out = fn(s);
      if (seen.size > 10_000) seen.clear();
      seen.set(s, out);
    }
    return out;
  };
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside. */
export function csvQuote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = `${LIQUIDATION_COLUMNS.join(',')}\r\n`;

/** Decimal and integer columns are digits, '-' and '.': only the text columns need quoting. */
export function csvFormatter(): (batch: LiquidationTuple[]) => string {
  const q = memo(csvQuote);
  return (batch) => {
    let out = '';
    for (const t of batch) {
      out +=
        t[0] +
        ',' +
        q(t[1]) +
        ',' +
        q(t[2]) +
        ',' +
        q(t[3]) +
        ',' +
        q(t[4]) +
        ',' +
        t[5] +
        ',' +
        t[6] +
        ',' +
        t[7] +
        ',' +
        q(t[8]) +
        ',' +
        t[9] +
        ',' +
        t[10] +
        ',' +
        t[11] +
        ',' +
        t[12] +
        '\r\n';
    }
    return out;
  };
}

/** One JSON object per line with the CSV's column names; decimals stay exact strings. */
export function ndjsonFormatter(): (batch: LiquidationTuple[]) => string {
  const j = memo((s) => JSON.stringify(s));
  return (batch) => {
    let out = '';
    for (const t of batch) {
      out +=
        '{"id":' +
        t[0] +
        ',"symbol":' +
        j(t[1]) +
        ',"side":' +
        j(t[2]) +
        ',"order_type":' +
        j(t[3]) +
        ',"time_in_force":' +
        j(t[4]) +
        ',"original_quantity":"' +
        t[5] +
        '","price":"' +
        t[6] +
        '","average_price":"' +
        t[7] +
        '","order_status":' +
        j(t[8]) +
        ',"last_fill_quantity":"' +
        t[9] +
        '","accumulated_fill_quantity":"' +
        t[10] +
        '","order_trade_time":' +
        t[11] +
        ',"usd":"' +
        t[12] +
        '"}\n';
    }
    return out;
  };
}

function day(msValue: number | undefined, fallback: string): string {
  return msValue === undefined ? fallback : new Date(msValue).toISOString().slice(0, 19).replace(/[-:]/g, '');
}

export function exportFilename(f: ExportFilter, format: Format): string {
  const parts = ['liquidations', f.symbol ?? 'all'];
  if (f.side) parts.push(f.side.toLowerCase());
  parts.push(day(f.from, 'start'), day(f.to, 'latest'));
  return `${parts.join('_')}.${format}`;
}

// --- streaming -----------------------------------------------------------------------------------

/** Resolves once `sink` drains, or at once if the response is gone (the caller checks `signal`). */
function drained(sink: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
    signal.addEventListener('abort', done);
  });
}

function exportRoute(format: Format, deps: ExportDeps): Route {
  const header = format === 'csv' ? CSV_HEADER : '';
  const contentType = format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8';
  const path = `export.${format}`;

  return async (req, res, url) => {
    const started = performance.now();
    const observe = (outcome: string) => deps.metrics.observeRequest(path, outcome, performance.now() - started);

    const query = parseExportQuery(url);
    if (!query.ok) {
      observe('BAD_REQUEST');
      return sendJson(res, 400, { error: { code: 'BAD_REQUEST', message: query.message } });
    }

    try {
      await enforceRateLimit(deps.services, deps.config, deps.requestInfo(req));
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      observe('TOO_MANY_REQUESTS');
      const seconds = Math.ceil(err.retryAfterMs / 1000);
      return sendJson(
        res,
        429,
        { error: { code: 'TOO_MANY_REQUESTS', message: err.message, retryAfterMs: err.retryAfterMs } },
        { 'retry-after': String(seconds) },
      );
    }

    const controller = new AbortController();
    const { signal } = controller;
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client went away'));
    });

    const source = deps.services.liquidations.streamTuples(query.filter, { signal, batchSize: 2000 });
    // The first batch decides the status: errors before any byte is sent get a proper one.
    let first: IteratorResult<LiquidationTuple[], void>;
    try {
      first = await source.next();
    } catch (err) {
      await source.return();
      if (signal.aborted) return observe('ABORTED');
      const mapped = toTRPCError(err);
      if (mapped.code === 'INTERNAL_SERVER_ERROR') deps.log.error({ err, path }, 'export failed');
      observe(mapped.code);
      return sendJson(res, getHTTPStatusCodeFromError(mapped), { error: { code: mapped.code, message: mapped.message } });
    }

    const gzip = acceptsGzip(req.headers['accept-encoding']);
    res.writeHead(200, {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${exportFilename(query.filter, format)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    let sink: Writable = res;
    const finished = new Promise<void>((resolve) => res.on('close', resolve));
    if (gzip) {
      // Level 1: an export is CPU-bound on this side, and CSV compresses well even at the fastest level.
      const gz = createGzip({ level: zlibConstants.Z_BEST_SPEED, chunkSize: 64 * 1024 });
      pipeline(gz, res, () => undefined);
      sink = gz;
    }

    const format_ = format === 'csv' ? csvFormatter() : ndjsonFormatter();
    let rows = 0;
    try {
      if (header) sink.write(header);
      let batch = first.done ? undefined : first.value;
      while (batch) {
        rows += batch.length;
        if (!sink.write(format_(batch))) await drained(sink, signal);
        if (signal.aborted) break;
        const next = await source.next();
        batch = next.done ? undefined : next.value;
      }
      if (signal.aborted) {
        observe('ABORTED');
      } else {
        sink.end();
        observe('ok');
      }
    } catch (err) {
      if (signal.aborted) {
        observe('ABORTED');
      } else {
        // Headers are gone: cut the response so the client sees a truncated transfer, not a short file.
        deps.log.error({ err, path, rows }, 'export failed mid-stream');
        observe(toTRPCError(err).code);
        res.destroy();
      }
    } finally {
      // Ends the DB query (and frees its connection) whether we finished, failed or were left.
      await source.return();
      if (signal.aborted) sink.destroy();
    }
    await finished;
  };
}

/** The routes server.ts mounts. */
export function exportRoutes(deps: ExportDeps): Record<string, Route> {
  return {
    '/export/liquidations.csv': exportRoute('csv', deps),
    '/export/liquidations.ndjson': exportRoute('ndjson', deps),
  };
}
