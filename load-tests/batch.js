// k6 run load-tests/batch.js — indicators.batch of 3 and of 10 cached items, and the same 3 as
// one tRPC HTTP batch (?batch=1) of indicators.compute queries.
import { check } from 'k6';
import { connection } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isBatchResult, isIndicatorResult } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { options as optionsFor } from './options/batch.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const symbol = conn.symbols[0];
const interval = conn.intervals[0];

const TEN = [
  ['rsi', { period: 14 }],
  ['ema', { period: 20 }],
  ['macd', {}],
  ['bbands', { period: 20 }],
  ['sma', { period: 50 }],
  ['atr', { period: 14 }],
  ['stoch', {}],
  ['adx', { period: 14 }],
  ['cci', {}],
  ['willr', {}],
];

export function setup() {
  const r = dataOf(api.query('candles.range', { symbol, interval, limit: 1 }).out);
  if (!r || r.candles.time.length === 0) throw new Error(`no candles for ${symbol} ${interval}`);
  const items = TEN.map(([indicator, params]) => ({ symbol, interval, indicator, params, limit: conn.limit, to: r.candles.time[0] }));
  // Warm every item, so the batches measure cached answers.
  const warm = dataOf(api.query('indicators.batch', { items }).out);
  if (!warm || !warm.items.every((i) => i.ok))
    throw new Error(`warm-up batch failed: ${JSON.stringify(warm && warm.items.filter((i) => !i.ok))}`);
  return { items };
}

function runBatch(items, n) {
  const { res, out } = api.query('indicators.batch', { items }, { tags: { name: `indicators.batch x${n}` } });
  const d = dataOf(out);
  check(res, {
    'status 200': (r) => r.status === 200,
    [`batch of ${n}: every item answered from cache`]: () => isBatchResult(d, n) && d.items.every((i) => i.ok && i.cache.status === 'hit'),
  });
}

export function batch3(data) {
  runBatch(data.items.slice(0, 3), 3);
}

export function batch10(data) {
  runBatch(data.items, 10);
}

export function httpBatch3(data) {
  const { res, out } = api.batch(
    data.items.slice(0, 3).map((input) => ({ path: 'indicators.compute', input })),
    { tags: { name: 'http batch x3' } },
  );
  check(res, {
    'status 200': (r) => r.status === 200,
    'HTTP batch of 3: three results': () => Array.isArray(out) && out.length === 3 && out.every((o) => o.ok && isIndicatorResult(o.data)),
  });
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
