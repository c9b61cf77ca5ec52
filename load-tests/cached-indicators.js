// k6 run load-tests/cached-indicators.js — a Zipf mix over symbols × intervals × indicators after
// warm-up; the cache hit rate comes from each answer's `cache.status`.
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { connection, intEnv } from './lib/env.js';
import { dataOf, trpcClient } from './lib/k6-trpc.js';
import { isIndicatorResult } from './lib/shapes.js';
import { renderSummary } from './lib/summary.js';
import { MIX_INDICATORS, mixOf, prng, zipf } from './lib/zipf.js';
import { options as optionsFor } from './options/cached-indicators.js';

export const options = optionsFor(__ENV);
const conn = connection(__ENV);
const api = trpcClient(conn);
const hit = new Rate('wick_cache_hit');
const MIX = mixOf(conn.symbols, conn.intervals, MIX_INDICATORS);
const ZIPF_S = Number(__ENV.ZIPF_S || 1.1);
// Each VU draws its own deterministic sequence.
const draw = zipf(MIX.length, ZIPF_S, prng(intEnv(__ENV, 'SEED', 42) + __VU * 7919));

/** The newest candle time of each series, so every request names the same closed window. */
export function setup() {
  const ends = {};
  for (const symbol of conn.symbols) {
    for (const interval of conn.intervals) {
      const r = api.query('candles.range', { symbol, interval, limit: 1 });
      const d = dataOf(r.out);
      if (!d || d.candles.time.length === 0) throw new Error(`no candles for ${symbol} ${interval}: seed the database first`);
      ends[`${symbol}:${interval}`] = d.candles.time[0];
    }
  }
  // Warm-up: every combination once, so the measured mix starts from a warm cache.
  for (const m of MIX) api.query('indicators.compute', request(m, ends));
  return { ends };
}

function request(m, ends) {
  return {
    symbol: m.symbol,
    interval: m.interval,
    indicator: m.indicator,
    params: m.params,
    limit: conn.limit,
    to: ends[`${m.symbol}:${m.interval}`],
  };
}

export function mix(data) {
  const m = mixItem();
  const { res, out } = api.query('indicators.compute', request(m, data.ends), { tags: { name: 'indicators.compute' } });
  const d = dataOf(out);
  check(res, { 'status 200': (r) => r.status === 200, 'an indicator result': () => isIndicatorResult(d) });
  if (d) hit.add(d.cache.status === 'hit');
}

function mixItem() {
  return MIX[draw()];
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
