// k6 run load-tests/export.js — CSV/NDJSON exports of ~EXPORT_ROWS (1 M) rows over HTTP: rows/s
// of one export alone, then bytes/s of several at once; server RSS before/after from /metrics.
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import { connection, intEnv } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { countLines } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { options as optionsFor } from './options/export.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const ROWS = intEnv(__ENV, 'EXPORT_ROWS', 1_000_000, 1, 100_000_000);
const rowsPerS = new Trend('wick_export_rows_per_s');
const bytesPerS = new Trend('wick_export_bytes_per_s');
const rssGrowth = new Trend('wick_export_rss_growth_mb');
const TIMEOUT = '600s';

function rssBytes() {
  const r = api.raw('/metrics');
  const m = /^process_resident_memory_bytes (\S+)$/m.exec(r.body || '');
  return m ? Number(m[1]) : null;
}

/** The newest `from` whose rows up to the newest one number at least ROWS (hourly summary counts). */
export function setup() {
  const newest = dataOf(api.query('liquidations.list', { limit: 1 }).out);
  if (!newest || newest.rows.length === 0) throw new Error('no liquidations: seed the database first');
  const to = newest.rows[0].orderTradeTime;
  let from = to;
  let rows = 0;
  // Up to 60 days back, hour by hour (1,440 buckets: under the summary's limit).
  const s = dataOf(api.query('liquidations.summary', { bucket: '1h', from: to - 60 * 86_400_000, to }).out);
  if (!s) throw new Error('liquidations.summary failed');
  for (let i = s.buckets.length - 1; i >= 0 && rows < ROWS; i--) {
    const b = s.buckets[i];
    rows += b.longCount + b.shortCount;
    from = b.bucket;
  }
  return { query: `from=${from}&to=${to}`, expected: rows, rssBefore: rssBytes() };
}

function exportOnce(data, format) {
  const res = api.raw(`/export/liquidations.${format}?${data.query}`, { timeout: TIMEOUT, tags: { name: `export ${format}` } });
  const lines = res.status === 200 ? countLines(res.body) : 0;
  const rows = format === 'csv' ? lines - 1 : lines;
  const seconds = res.timings.duration / 1000;
  check(res, {
    [`${format} 200`]: (r) => r.status === 200,
    [`${format}: every row of the range`]: () => rows === data.expected,
  });
  if (res.status === 200 && seconds > 0) {
    rowsPerS.add(rows / seconds, { format });
    bytesPerS.add(res.body.length / seconds, { format });
  }
}

export function csvAlone(data) {
  exportOnce(data, 'csv');
}

export function mixed(data) {
  exportOnce(data, __VU % 2 === 0 ? 'ndjson' : 'csv');
}

export function teardown(data) {
  const after = rssBytes();
  if (after !== null && data.rssBefore !== null) rssGrowth.add((after - data.rssBefore) / 1e6);
  console.log(`exported ${data.expected} rows per export (${data.query}); server RSS ${fmt(data.rssBefore)} → ${fmt(after)}`);
}

function fmt(b) {
  return b === null ? 'n/a' : `${(b / 1e6).toFixed(1)} MB`;
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
