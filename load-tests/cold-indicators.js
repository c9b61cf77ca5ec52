// k6 run load-tests/cold-indicators.js — unique params every iteration, so every answer is
// computed: cache misses with the engine under load.
//
// "Candles cached": Bollinger Bands with a unique stdDev — the multiplier does not change how much
// history is read, so the candle window (keyed by its warm-up) stays cached while every result is
// new. (RSI's only param is its period, which changes the warm-up and with it the candle key.)
// "Fully cold": RSI 14 over a window ending at a unique candle — candles from the DB, then compute.
import { check } from 'k6';
import exec from 'k6/execution';
import { Rate } from 'k6/metrics';
import { connection } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isIndicatorResult } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { options as optionsFor } from './options/cold-indicators.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const coldMiss = new Rate('wick_cold_miss');
const symbol = conn.symbols[0];
const interval = conn.intervals[0];

export function setup() {
  if (conn.adminKey) api.mutate('cache.clear', undefined, conn.adminKey);
  const r = dataOf(api.query('candles.range', { symbol, interval, limit: 5000 }).out);
  if (!r || r.candles.time.length < 2 * conn.limit) throw new Error(`need at least ${2 * conn.limit} candles of ${symbol} ${interval}`);
  const times = r.candles.time;
  // Warm the one candle window every "candles cached" request shares.
  api.query('indicators.compute', {
    symbol,
    interval,
    indicator: 'bbands',
    params: { period: 20, stdDev: 2 },
    limit: conn.limit,
    to: times[times.length - 1],
  });
  // A salt per run: params and windows of an earlier run are not reused.
  return { to: times[times.length - 1], times: times.slice(conn.limit + 400), salt: Date.now() % 1_000_000 };
}

export function cold(data) {
  const n = exec.scenario.iterationInTest;
  // stdDev in (1, 98): unique per run and per iteration.
  const stdDev = 1 + (data.salt % 97) + ((exec.scenario.name === 'single' ? 0 : 5e8) + n) * 1e-9;
  const { res, out } = api.query(
    'indicators.compute',
    { symbol, interval, indicator: 'bbands', params: { period: 20, stdDev }, limit: conn.limit, to: data.to },
    { tags: { name: 'indicators.compute cold' } },
  );
  record(res, out);
}

export function fullyCold(data) {
  const n = exec.scenario.iterationInTest;
  // Consecutive windows from an offset chosen by the salt: distinct while ITERATIONS fits the series
  // (the demo seed's 2 days of 1m candles give ~1,500); a window already cached shows as a hit.
  const to = data.times[(data.salt + n) % data.times.length];
  const { res, out } = api.query(
    'indicators.compute',
    { symbol, interval, indicator: 'rsi', params: { period: 14 }, limit: conn.limit, to },
    {
      tags: { name: 'indicators.compute fully cold' },
    },
  );
  record(res, out);
}

function record(res, out) {
  const d = dataOf(out);
  check(res, { 'status 200': (r) => r.status === 200, 'an indicator result': () => isIndicatorResult(d, conn.limit) });
  if (d) coldMiss.add(d.cache.status === 'miss');
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
