// cold-indicators: unique params every iteration, so every answer is computed (cache misses,
// engine under load); and fully cold requests (candles from the DB too).
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const n = intEnv(env, 'ITERATIONS', byProfile(profile, 300, 30), 1, 1_000_000);
  const duration = secondsEnv(env, 'DURATION', byProfile(profile, '30s', '5s'));
  // One-at-a-time phases get a fixed slot; raise PHASE if ITERATIONS is raised.
  const phase = secondsEnv(env, 'PHASE', byProfile(profile, '90s', '30s'));
  return {
    scenarios: {
      // Candles cached, result not: one at a time, then at a steady arrival rate.
      single: { executor: 'per-vu-iterations', vus: 1, iterations: n, exec: 'cold', maxDuration: `${phase}s` },
      loaded: {
        executor: 'constant-arrival-rate',
        rate: intEnv(env, 'RATE', byProfile(profile, 100, 10), 1, 100_000),
        timeUnit: '1s',
        duration: `${duration}s`,
        preAllocatedVUs: byProfile(profile, 20, 5),
        maxVUs: intEnv(env, 'MAX_VUS', byProfile(profile, 200, 20), 1, 10_000),
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
    thresholds: thresholdsFor(
      profile,
      {
        // The run only measures what it claims if the answers really were computed.
        wick_cold_miss: ['rate>0.99'],
        checks: ['rate==1'],
        http_req_failed: ['rate==0'],
      },
      {
        'http_req_duration{scenario:single}': [`p(99)<=${OURS.coldP99Ms}`, `p(90)<${SEEDS.uncachedP90Ms}`],
        'http_req_duration{scenario:loaded}': [`p(90)<${SEEDS.uncachedP90Ms}`],
        'http_req_duration{scenario:fully}': [`p(99)<=${OURS.fullyColdP99Ms}`, `p(90)<${SEEDS.uncachedP90Ms}`],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
