// k6 run load-tests/concurrency.js — 50 VUs on the tRPC floor (noopPayload: the same 1,000
// numbers a cached RSI answer carries), 50 VUs on cached compute, then a ramp to 500 VUs of
// users with think time (zero errors allowed).
import { check, sleep } from 'k6';
import { connection } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isIndicatorResult } from './lib/shapes.js';
import { metricValue, ratio, renderSummary } from './lib/summary.js';
import { OURS } from './lib/targets.js';
import { options as optionsFor } from './options/concurrency.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const symbol = conn.symbols[0];
const interval = conn.intervals[0];

export function setup() {
  const r = dataOf(api.query('candles.range', { symbol, interval, limit: 1 }).out);
  if (!r || r.candles.time.length === 0) throw new Error(`no candles for ${symbol} ${interval}`);
  const req = { symbol, interval, indicator: 'rsi', params: { period: 14 }, limit: conn.limit, to: r.candles.time[0] };
  api.query('indicators.compute', req);
  return { req };
}

export function floor() {
  const { res, out } = api.query('noopPayload', undefined, { tags: { name: 'noopPayload' } });
  check(res, { 'status 200': (r) => r.status === 200, '1,000 numbers': () => out.ok && out.data.values.value.length === 1000 });
}

export function cached(data) {
  const { res, out } = api.query('indicators.compute', data.req, { tags: { name: 'indicators.compute' } });
  check(res, { 'status 200': (r) => r.status === 200, 'an indicator result': () => isIndicatorResult(dataOf(out), conn.limit) });
}

/** A chart user: the chart, then an indicator or two, then reading it for a while. */
export function user(data) {
  const candles = api.query('candles.range', { symbol, interval, limit: 500, to: data.req.to }, { tags: { name: 'candles.range' } });
  check(candles.res, { 'candles 200': (r) => r.status === 200 });
  const ind = api.query('indicators.compute', data.req, { tags: { name: 'indicators.compute' } });
  check(ind.res, { 'indicator 200': (r) => r.status === 200 && isIndicatorResult(dataOf(ind.out)) });
  sleep(1 + Math.random() * 2);
}

export function handleSummary(data) {
  const p99 = (s) => metricValue(data, `http_req_duration{scenario:${s}}`, 'p(99)');
  const rps = (s) => metricValue(data, `http_reqs{scenario:${s}}`, 'rate');
  return {
    stdout: renderSummary(data, [
      { name: 'cached50 p99 / floor50 p99', value: ratio(p99('cached50'), p99('floor50')), limit: OURS.c50P99VsFloor, unit: '×' },
      // ≥ 80 % of the floor's req/s, written as floor/cached ≤ 1/0.8.
      {
        name: 'floor50 req/s / cached50 req/s',
        value: ratio(rps('floor50'), rps('cached50')),
        limit: 1 / OURS.cachedVsFloorReqs,
        unit: '×',
      },
    ]),
  };
}
