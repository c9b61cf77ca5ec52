// k6 run by the fault suite (k6-load.ts, through scripts/k6.sh), for the whole suite: a read-only mix
// against both server processes — cached computes and candle ranges (warmed in setup), cold computes,
// liquidation pages and summaries — at a constant modest arrival rate. It never ingests: the exact
// ack check (ingest-check.ts) reads the only series the suite writes.
//
// Each request is one log line the suite reads from k6's stderr (`--log-format raw`): a start line
// before anything is sent, then the outcome with its status, tRPC code, cache status and k6's
// http_req_duration. The start lines let the suite wait until every request that began in a fault's
// window has ended before it judges the window (nothing still in flight is missed).
//
// Before each request a VU asks the suite's control process (CONTROL_URL, k6-control.js) what it may
// send: `all`; `burst` (fault 5: only reads that reach neither MySQL nor the engine, like the suite's
// own mix, from at most BURST_VUS VUs, so the background stays within the admission headroom the
// burst leaves); or `stop`. A refused connection (the suite is gone) ends the run; a control answer
// that does not come skips the iteration (nothing is sent without a known phase).
//
// Live subscriptions are left out: k6's http module returns a response only once its body has ended,
// so an SSE stream would hold a VU for its whole life and report nothing until then (an extension,
// xk6-sse, would be needed, and the project's k6 is the stock binary).
import exec from 'k6/execution';
import http from 'k6/http';
import { intEnv, strEnv } from '../lib/env.js';
import { trpcClient } from '../lib/k6-trpc.js';

const BASES = strEnv(__ENV, 'BASE_URLS', '')
  .split(',')
  .map((s) => s.trim().replace(/\/+$/, ''))
  .filter(Boolean);
const CONTROL_URL = strEnv(__ENV, 'CONTROL_URL', '');
const RATE = intEnv(__ENV, 'RATE', 20, 1, 500);
const BURST_VUS = intEnv(__ENV, 'BURST_VUS', 4, 1, 1000);
const SYMBOL = strEnv(__ENV, 'SYMBOL', 'BTCUSDT');
const SECOND_SYMBOL = strEnv(__ENV, 'SECOND_SYMBOL', 'ETHUSDT');
/** The closed window's end (ms) every cached read names. */
const TO = intEnv(__ENV, 'TO', 0, 1);
/** The newest liquidation's time (ms): pages and summaries read up to it. */
const NEWEST = intEnv(__ENV, 'NEWEST', 0, 1);
const HOUR = 3_600_000;

if (BASES.length === 0 || !CONTROL_URL) throw new Error('set BASE_URLS (comma-separated) and CONTROL_URL');

export const options = {
  scenarios: {
    reads: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      // The suite stops k6 (SIGINT) when it ends; this only bounds a run nobody stopped.
      duration: strEnv(__ENV, 'DURATION', '30m'),
      // Bounded: on a starved box more VUs would only pile more requests onto it (k6 drops
      // iterations instead, and says so).
      preAllocatedVUs: Math.max(4, Math.ceil(RATE / 2)),
      maxVUs: Math.max(8, RATE),
    },
  },
  // No thresholds: the suite judges each fault's window by its own rules.
  summaryTrendStats: ['p(50)', 'p(99)', 'max', 'count'],
};

const clients = BASES.map((baseUrl) => trpcClient({ baseUrl }));

/** Reads whose answers are cached before the run (setup warms them): they reach neither MySQL nor the engine. */
const CACHED = [
  { symbol: SYMBOL, interval: '1m', indicator: 'ema', params: { period: 20 }, limit: 300, to: TO },
  { symbol: SYMBOL, interval: '1m', indicator: 'macd', params: {}, limit: 300, to: TO },
  { symbol: SECOND_SYMBOL, interval: '1m', indicator: 'sma', params: { period: 30 }, limit: 400, to: TO },
];
const RANGES = [
  { symbol: SYMBOL, interval: '15m', limit: 100, to: TO },
  { symbol: SECOND_SYMBOL, interval: '5m', limit: 150, to: TO },
];
/** Of every 10 iterations: 4 cached computes, 2 cached candle ranges, 2 cold computes, 1 page, 1 summary. */
const PLAN = ['cached', 'candles', 'cached', 'cold', 'page', 'cached', 'candles', 'cached', 'cold', 'summary'];
/** Cold computes never repeat: a parameter only this VU and iteration use. */
const coldStdDev = () => 2 + ((exec.vu.idInTest * 1_000_003 + exec.vu.iterationInScenario) % 9_999_991) * 1e-9;

function send(kind, client, i) {
  const params = { timeout: '30s', tags: { name: kind } };
  switch (kind) {
    case 'cached':
      return client.query('indicators.compute', CACHED[i % CACHED.length], params);
    case 'candles':
      return client.query('candles.range', RANGES[i % RANGES.length], params);
    case 'cold':
      return client.query(
        'indicators.compute',
        { symbol: SYMBOL, interval: '1m', indicator: 'bbands', params: { period: 20, stdDev: coldStdDev() }, limit: 300, to: TO },
        params,
      );
    case 'page':
      return client.query('liquidations.list', { limit: 50 }, params);
    case 'summary':
      return client.query('liquidations.summary', { bucket: '1h', from: NEWEST - 12 * HOUR, to: NEWEST }, params);
  }
  throw new Error(`unknown kind ${kind}`);
}

/**
 * No answer at all, for a reason other than a timeout (1050 request, 1211 dial): a balancer sends an
 * idempotent GET to the next process, as the suite's own mix does (load-mix.ts balanced).
 */
const unanswered = (res) => res.status === 0 && res.error_code !== 1050 && res.error_code !== 1211;

export function setup() {
  for (const client of clients) {
    for (const req of CACHED) {
      const { res, out } = client.query('indicators.compute', req);
      if (res.status !== 200 || !out.ok) throw new Error(`warming ${req.indicator} on ${BASES.join(',')} answered ${res.status}`);
    }
    for (const req of RANGES) {
      const { res } = client.query('candles.range', req);
      if (res.status !== 200) throw new Error(`warming candles ${req.interval} answered ${res.status}`);
    }
  }
}

export default function () {
  const n = exec.scenario.iterationInTest;
  let kind = PLAN[n % PLAN.length];
  const id = `${exec.vu.idInTest}.${exec.vu.iterationInScenario}`;
  const start = Date.now();
  // Logged before asking the control endpoint: a request whose start the suite has not seen cannot
  // have been allowed by a phase older than the one the suite set.
  console.log(JSON.stringify({ k6s: id, t: start }));
  const control = http.get(CONTROL_URL, { timeout: '10s', tags: { name: 'control' } });
  const phase = control.status === 200 ? control.body : null;
  const burst = phase === 'burst';
  if (phase === null || phase === 'stop' || (burst && exec.vu.idInTest > BURST_VUS)) {
    console.log(JSON.stringify({ k6e: id, skipped: true }));
    if (phase === 'stop' || control.error_code === 1212) exec.test.abort('the fault suite stopped k6 (or is gone)');
    return;
  }
  if (burst && kind !== 'cached' && kind !== 'candles') kind = 'cached';
  let server = n % clients.length;
  let r = send(kind, clients[server], n);
  let ms = r.res.timings.duration;
  for (let tries = 1; tries < clients.length && unanswered(r.res); tries++) {
    server = (server + 1) % clients.length;
    r = send(kind, clients[server], n);
    ms += r.res.timings.duration;
  }
  const out = r.out;
  const status = r.res.status;
  console.log(
    JSON.stringify({
      k6e: id,
      kind,
      server,
      start,
      ms,
      status,
      code: status === 0 ? `k6_${r.res.error_code}` : out.ok ? null : out.error.code,
      reason: !out.ok && out.error.data && typeof out.error.data.reason === 'string' ? out.error.data.reason : null,
      cache: out.ok && out.data && out.data.cache ? out.data.cache.status : null,
    }),
  );
}

export function handleSummary() {
  return {};
}
