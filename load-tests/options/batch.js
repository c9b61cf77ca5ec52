// batch: indicators.batch of 3 and of 10 cached items, and a tRPC HTTP batch of 3 queries.
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const single = secondsEnv(env, 'SINGLE_DURATION', byProfile(profile, '20s', '2s'));
  const duration = secondsEnv(env, 'DURATION', byProfile(profile, '30s', '3s'));
  const vus = intEnv(env, 'VUS', byProfile(profile, 10, 3), 1, 5000);
  return {
    scenarios: {
      b3_single: { executor: 'constant-vus', vus: 1, duration: `${single}s`, exec: 'batch3' },
      b3_loaded: { executor: 'constant-vus', vus, duration: `${duration}s`, exec: 'batch3', startTime: `${single}s` },
      b10_loaded: { executor: 'constant-vus', vus, duration: `${duration}s`, exec: 'batch10', startTime: `${single + duration}s` },
      http_batch3: { executor: 'constant-vus', vus, duration: `${duration}s`, exec: 'httpBatch3', startTime: `${single + 2 * duration}s` },
    },
    thresholds: thresholdsFor(
      profile,
      { checks: ['rate==1'], http_req_failed: ['rate==0'] },
      {
        'http_req_duration{scenario:b3_single}': [`p(99)<=${OURS.batch3P99Ms}`, `p(90)<${SEEDS.batch3P90Ms}`],
        'http_req_duration{scenario:b3_loaded}': [`p(90)<${SEEDS.batch3P90Ms}`],
        // No target of its own: a batch of 10 is held to the seeds' bound for a batch of 3.
        'http_req_duration{scenario:b10_loaded}': [`p(90)<${SEEDS.batch3P90Ms}`],
        'http_req_duration{scenario:http_batch3}': [`p(90)<${SEEDS.batch3P90Ms}`],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
