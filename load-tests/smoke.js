// k6 run load-tests/smoke.js — every procedure once; checks on status and shape.
import { check } from 'k6';
import http from 'k6/http';
import { connection } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import * as shape from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { options as optionsFor } from './options/smoke.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const expect401 = { responseCallback: http.expectedStatuses(401) };

export default function () {
  const [symbol] = conn.symbols;
  const interval = conn.intervals[0];

  const noop = api.query('noop');
  check(noop.res, { 'noop 200': (r) => r.status === 200, 'noop ok': () => dataOf(noop.out) !== null && dataOf(noop.out).ok === true });
  const floor = api.query('noopPayload');
  check(floor.out, { 'noopPayload: 1,000 numbers': (o) => o.ok && o.data.values.value.length === 1000 });

  const symbols = api.query('symbols.list');
  check(symbols.out, { 'symbols.list shape': (o) => shape.isSymbolList(dataOf(o)) });

  const range = api.query('candles.range', { symbol, interval, limit: 100 });
  const candles = dataOf(range.out);
  check(candles, { 'candles.range shape': (d) => shape.isCandleRange(d) && d.candles.time.length > 0 });
  const to = candles && candles.candles.time.length > 0 ? candles.candles.time[candles.candles.time.length - 1] : undefined;

  const catalog = api.query('indicators.catalog');
  check(catalog.out, { 'indicators.catalog shape': (o) => shape.isCatalog(dataOf(o)) });

  const req = { symbol, interval, indicator: 'rsi', params: { period: 14 }, limit: conn.limit, to };
  const compute = api.query('indicators.compute', req);
  check(compute.out, { 'indicators.compute shape': (o) => shape.isIndicatorResult(dataOf(o)) });

  const batch = api.query('indicators.batch', {
    items: [req, { ...req, indicator: 'ema', params: { period: 20 } }, { ...req, indicator: 'macd', params: {} }],
  });
  check(batch.out, { 'indicators.batch shape': (o) => shape.isBatchResult(dataOf(o), 3) && dataOf(o).items.every((i) => i.ok) });

  const httpBatch = api.batch([{ path: 'noop' }, { path: 'indicators.compute', input: req }]);
  check(httpBatch.out, { 'HTTP batch: both answers': (o) => Array.isArray(o) && o.length === 2 && o.every((i) => i.ok) });

  const page = api.query('liquidations.list', { limit: 10 });
  const rows = dataOf(page.out);
  check(rows, { 'liquidations.list shape': (d) => shape.isLiquidationPage(d) });
  const newest = rows && rows.rows.length > 0 ? rows.rows[0].orderTradeTime : Date.UTC(2024, 0, 2);

  const summary = api.query('liquidations.summary', { bucket: '1h', from: newest - 24 * 3600_000, to: newest });
  check(summary.out, { 'liquidations.summary shape': (o) => shape.isLiquidationSummary(dataOf(o)) });

  // A one-minute window keeps the smoke export small.
  const filter = { from: newest - 60_000, to: newest };
  const streamed = api.stream([{ path: 'liquidations.export', input: filter }]);
  check(streamed.out, {
    'liquidations.export streams chunks of rows': (o) => Array.isArray(o) && o[0] && o[0].ok && Array.isArray(o[0].data),
  });
  const csv = api.raw(`/export/liquidations.csv?from=${filter.from}&to=${filter.to}`);
  check(csv, {
    'export csv 200': (r) => r.status === 200 && String(r.headers['Content-Type']).indexOf('text/csv') === 0,
    'export csv rows = streamed rows': (r) => {
      const chunks = streamed.out[0] && streamed.out[0].ok ? streamed.out[0].data : [];
      const n = chunks.reduce((a, c) => a + c.length, 0);
      return shape.countLines(r.body) === n + 1;
    },
  });
  const ndjson = api.raw(`/export/liquidations.ndjson?from=${filter.from}&to=${filter.to}`);
  check(ndjson, { 'export ndjson 200': (r) => r.status === 200 });

  const snapshot = api.query('dashboard.snapshot', { symbol, interval, indicators: [{ indicator: 'rsi', params: {} }], limit: 200, to });
  check(snapshot.out, { 'dashboard.snapshot shape': (o) => shape.isSnapshot(dataOf(o)) && dataOf(o).errors.length === 0 });

  const stats = api.query('cache.stats');
  check(stats.out, { 'cache.stats shape': (o) => shape.isCacheStats(dataOf(o)) });
  const health = api.query('health');
  check(health.out, { 'health ok': (o) => shape.isHealth(dataOf(o)) && dataOf(o).ok === true });
  check(api.raw('/health'), { 'GET /health 200': (r) => r.status === 200 });
  check(api.raw('/metrics'), {
    'GET /metrics has request durations': (r) => r.status === 200 && r.body.indexOf('wick_request_duration_seconds') !== -1,
  });

  const bad = api.query('indicators.compute', { ...req, interval: '7m' }, { responseCallback: http.expectedStatuses(400) });
  check(bad.out, {
    'bad input: BAD_REQUEST with its field': (o) =>
      !o.ok && o.error.code === 'BAD_REQUEST' && o.error.fieldErrors && 'interval' in o.error.fieldErrors,
  });

  // Keyed procedures: with the key when given, else they must refuse.
  const candle = candles && candles.candles.time.length > 0 ? lastCandle(candles.candles) : null;
  if (candle) {
    const ingest = conn.ingestKey
      ? api.mutate('candles.ingest', { symbol, interval, candles: [candle] }, conn.ingestKey)
      : api.mutate('candles.ingest', { symbol, interval, candles: [candle] }, undefined, expect401);
    check(ingest.out, {
      'candles.ingest (same candle again: idempotent)': (o) =>
        conn.ingestKey ? o.ok && o.data.received === 1 : !o.ok && o.error.code === 'UNAUTHORIZED',
    });
  }
  const inv = conn.adminKey
    ? api.mutate('cache.invalidate', { symbol, interval }, conn.adminKey)
    : api.mutate('cache.invalidate', { symbol, interval }, undefined, expect401);
  check(inv.out, { 'cache.invalidate': (o) => (conn.adminKey ? o.ok : !o.ok && o.error.code === 'UNAUTHORIZED') });
  // cache.clear empties everyone's cache: only its refusal is smoke-tested.
  const clear = api.mutate('cache.clear', undefined, 'not-a-key', expect401);
  check(clear.out, { 'cache.clear refuses a wrong key': (o) => !o.ok && o.error.code === 'UNAUTHORIZED' });
}

function lastCandle(c) {
  const i = c.time.length - 1;
  return { time: c.time[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] };
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
