// cached-indicators: a Zipf mix over symbols × intervals × indicators after warm-up.
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const single = secondsEnv(env, 'SINGLE_DURATION', byProfile(profile, '20s', '3s'));
  const duration = secondsEnv(env, 'DURATION', byProfile(profile, '60s', '5s'));
  return {
    scenarios: {
      // One request at a time: the latency of a cached answer itself.
      single: { executor: 'constant-vus', vus: 1, duration: `${single}s`, exec: 'mix' },
      // The mix under load.
      loaded: {
        executor: 'constant-vus',
        vus: intEnv(env, 'VUS', byProfile(profile, 50, 5), 1, 5000),
        duration: `${duration}s`,
        startTime: `${single}s`,
        exec: 'mix',
      },
    },
    thresholds: thresholdsFor(
      profile,
      { checks: ['rate==1'], http_req_failed: ['rate==0'] },
      {
        'http_req_duration{scenario:single}': [`p(50)<=${OURS.cachedP50Ms}`, `p(90)<${SEEDS.cachedP90Ms}`],
        'http_req_duration{scenario:loaded}': [`p(90)<${SEEDS.cachedP90Ms}`],
        // How well the cache serves a skewed mix: an efficiency target, measured in bench runs.
        wick_cache_hit: [`rate>${SEEDS.hitRate}`, `rate>${OURS.hitRate}`],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
