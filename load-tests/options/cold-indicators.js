// cold-indicators: unique params every iteration, so every answer is computed (cache misses,
// engine under load); and fully cold requests (candles from the DB too).
import { intEnv, secondsEnv } from '../lib/env.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const n = intEnv(env, 'ITERATIONS', 300, 1, 1_000_000);
  const duration = secondsEnv(env, 'DURATION', '30s');
  // One-at-a-time phases get a fixed slot; raise PHASE if ITERATIONS is raised.
  const phase = secondsEnv(env, 'PHASE', '90s');
  return {
    scenarios: {
      // Candles cached, result not: one at a time, then at a steady arrival rate.
      single: { executor: 'per-vu-iterations', vus: 1, iterations: n, exec: 'cold', maxDuration: `${phase}s` },
      loaded: {
        executor: 'constant-arrival-rate',
        rate: intEnv(env, 'RATE', 100, 1, 100_000),
        timeUnit: '1s',
        duration: `${duration}s`,
        preAllocatedVUs: 20,
        maxVUs: intEnv(env, 'MAX_VUS', 200, 1, 10_000),
        exec: 'cold',
        startTime: `${phase}s`,
      },
      // Neither result nor candles cached: DB read + compute, one at a time.
      fully: {
        executor: 'per-vu-iterations',
        vus: 1,
        iterations: n,
        exec: 'fullyCold',
        maxDuration: `${phase}s`,
        startTime: `${phase + duration}s`,
      },
    },
    thresholds: {
      'http_req_duration{scenario:single}': [`p(99)<=${OURS.coldP99Ms}`, `p(90)<${SEEDS.uncachedP90Ms}`],
      'http_req_duration{scenario:loaded}': [`p(90)<${SEEDS.uncachedP90Ms}`],
      'http_req_duration{scenario:fully}': [`p(99)<=${OURS.fullyColdP99Ms}`, `p(90)<${SEEDS.uncachedP90Ms}`],
      // The run only measures what it claims if the answers really were computed.
      wick_cold_miss: ['rate>0.99'],
      checks: ['rate==1'],
      http_req_failed: ['rate==0'],
    },
    summaryTrendStats: TREND_STATS,
  };
}
