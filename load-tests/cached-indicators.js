// k6 run load-tests/cached-indicators.js — a Zipf mix over symbols × intervals × indicators after
// warm-up; the cache hit rate comes from each answer's `cache.status`. The mix follows the data:
// the server's symbols (unless SYMBOLS is given), without the combinations a short series cannot
// answer (an SMA 50 over the demo seed's 48 hourly candles is a 400 "needs at least 50 candles").
import { check } from 'k6';
import http from 'k6/http';
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
const ZIPF_S = Number(__ENV.ZIPF_S || 1.1);
const SEED = intEnv(__ENV, 'SEED', 42);
/** This VU's draw over the mix (made on its first iteration: the mix comes from setup). */
let draw = null;

function symbolsToMix() {
  if (conn.symbolsGiven) return conn.symbols;
  const listed = dataOf(api.query('symbols.list').out);
  if (!listed || listed.symbols.length === 0) throw new Error('symbols.list is empty: seed the database first (npm run setup)');
  return listed.symbols.map((s) => s.name);
}

/** NOT_ENOUGH_DATA reaches the wire as BAD_REQUEST with this message. */
const tooShort = (out) => !out.ok && out.error.code === 'BAD_REQUEST' && /needs at least \d+ candles/.test(out.error.message);

/** A too-short series answers 400 by design: not a failed request. */
const warmUp = { responseCallback: http.expectedStatuses(200, 400) };

/** The newest candle time of each series, so every request names the same closed window. */
export function setup() {
  const ends = {};
  const symbols = symbolsToMix();
  for (const symbol of symbols) {
    for (const interval of conn.intervals) {
      const r = api.query('candles.range', { symbol, interval, limit: 1 });
      const d = dataOf(r.out);
      if (!d || d.candles.time.length === 0) throw new Error(`no candles for ${symbol} ${interval}: seed the database first`);
      ends[`${symbol}:${interval}`] = d.candles.time[0];
    }
  }
  // Warm-up: every combination once, so the measured mix starts from a warm cache; the ones the
  // data is too short for leave the mix, any other failure ends the run.
  const mix = [];
  const dropped = [];
  for (const m of mixOf(symbols, conn.intervals, MIX_INDICATORS)) {
    const { out } = api.query('indicators.compute', request(m, ends), warmUp);
    if (out.ok) mix.push(m);
    else if (tooShort(out)) dropped.push(`${m.symbol} ${m.interval} ${m.indicator}`);
    else throw new Error(`warm-up of ${m.symbol} ${m.interval} ${m.indicator} failed: ${out.error.code} ${out.error.message}`);
  }
  if (mix.length === 0) throw new Error(`no series is long enough for the mix at CANDLES=${conn.limit}`);
  if (dropped.length > 0)
    console.log(`cached-indicators: ${dropped.length} combinations too short for the data, left out: ${dropped.join(', ')}`);
  return { ends, mix };
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
  if (draw === null) draw = zipf(data.mix.length, ZIPF_S, prng(SEED + __VU * 7919));
  const m = data.mix[draw()];
  const { res, out } = api.query('indicators.compute', request(m, data.ends), { tags: { name: 'indicators.compute' } });
  const d = dataOf(out);
  check(res, { 'status 200': (r) => r.status === 200, 'an indicator result': () => isIndicatorResult(d) });
  if (d) hit.add(d.cache.status === 'hit');
}

export function handleSummary(data) {
  return { stdout: renderSummary(data) };
}
