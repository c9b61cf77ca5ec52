import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { enforceRateLimit, retryHintOf, toTRPCError, type ApiConfig, type ApiMetrics, type RequestInfo, type Services } from '@wick/api';
import type { LiquidationTuple } from '@wick/market';
import type { Logger } from 'pino';
import { acceptsGzip, retryAfterHeader, sendJson, type Route } from '../http.ts';
import { exportFilename } from './filename.ts';
import { CSV_HEADER, FORMATTERS, type ExportFormat } from './format.ts';
import { parseExportQuery } from './query.ts';

/**
 * Plain HTTP liquidation exports for curl and spreadsheets:
 *   GET /export/liquidations.csv?symbol=BTCUSDT&side=SELL&from=…&to=…&minUsd=…
 *   GET /export/liquidations.ndjson?…
 * Rows stream from one DB cursor in batches; each batch becomes one string and one write.
 * Backpressure end to end: a full socket stops the writes, which stops reading the DB stream,
 * which pauses the MySQL socket. A client that leaves aborts the query and returns its connection.
 */

export interface ExportDeps {
  services: Services;
  config: ApiConfig;
  requestInfo: (req: IncomingMessage) => RequestInfo;
  log: Logger;
  metrics: ApiMetrics;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * An export's refusal before any row is sent: the tRPC code and message, and for a retryable one
 * `reason` and `retryAfterMs` as tRPC errors carry them in `data` (with Retry-After when known).
 */
function sendFailure(res: ServerResponse, err: unknown): string {
  const mapped = toTRPCError(err);
  const hint = retryHintOf(mapped);
  const body = { error: { code: mapped.code, message: mapped.message, ...hint } };
  sendJson(res, getHTTPStatusCodeFromError(mapped), body, retryAfterHeader(hint?.retryAfterMs));
  return mapped.code;
}

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

function exportRoute(format: ExportFormat, deps: ExportDeps): Route {
  const header = format === 'csv' ? CSV_HEADER : '';
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
      return observe(sendFailure(res, err));
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
      const code = sendFailure(res, err);
      if (code === 'INTERNAL_SERVER_ERROR') deps.log.error({ err, path }, 'export failed');
      return observe(code);
    }

    const gzip = acceptsGzip(req.headers['accept-encoding']);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[format],
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

    const formatBatch = FORMATTERS[format]();
    let rows = 0;
    try {
      if (header) sink.write(header);
      let batch = first.done ? undefined : first.value;
      while (batch) {
        rows += batch.length;
        if (!sink.write(formatBatch(batch))) await drained(sink, signal);
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
