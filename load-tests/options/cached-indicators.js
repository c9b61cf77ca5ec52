// cached-indicators: a Zipf mix over symbols × intervals × indicators after warm-up.
import { intEnv, secondsEnv } from '../lib/env.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const single = secondsEnv(env, 'SINGLE_DURATION', '20s');
  const duration = secondsEnv(env, 'DURATION', '60s');
  return {
    scenarios: {
      // One request at a time: the latency of a cached answer itself.
      single: { executor: 'constant-vus', vus: 1, duration: `${single}s`, exec: 'mix' },
      // The mix under load.
      loaded: {
        executor: 'constant-vus',
        vus: intEnv(env, 'VUS', 50, 1, 5000),
        duration: `${duration}s`,
        startTime: `${single}s`,
        exec: 'mix',
      },
    },
    thresholds: {
      'http_req_duration{scenario:single}': [`p(50)<=${OURS.cachedP50Ms}`, `p(90)<${SEEDS.cachedP90Ms}`],
      'http_req_duration{scenario:loaded}': [`p(90)<${SEEDS.cachedP90Ms}`],
      wick_cache_hit: [`rate>${SEEDS.hitRate}`, `rate>${OURS.hitRate}`],
      checks: ['rate==1'],
      http_req_failed: ['rate==0'],
    },
    summaryTrendStats: TREND_STATS,
  };
}
