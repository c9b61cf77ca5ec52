// concurrency: the floor and cached compute at 50 VUs, then a ramp to 500 VUs with think time.
import { intEnv, secondsEnv } from '../lib/env.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const d = secondsEnv(env, 'DURATION', '30s');
  const peak = intEnv(env, 'PEAK_VUS', 500, 1, 20_000);
  return {
    scenarios: {
      floor50: { executor: 'constant-vus', vus: 50, duration: `${d}s`, exec: 'floor' },
      cached50: { executor: 'constant-vus', vus: 50, duration: `${d}s`, exec: 'cached', startTime: `${d}s` },
      ramp: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '20s', target: 50 },
          { duration: '20s', target: 50 },
          { duration: '40s', target: peak },
          { duration: '60s', target: peak },
          { duration: '10s', target: 0 },
        ],
        gracefulRampDown: '10s',
        exec: 'user',
        startTime: `${2 * d}s`,
      },
    },
    thresholds: {
      'http_req_duration{scenario:floor50}': [`max<${SEEDS.users50MaxMs}`],
      'http_req_duration{scenario:cached50}': [`max<${SEEDS.users50MaxMs}`, `p(90)<${SEEDS.cachedP90Ms}`],
      // 500 VUs with think time: zero errors.
      'http_req_failed{scenario:ramp}': [`rate<=${OURS.errorsAt500Vus}`],
      'checks{scenario:ramp}': ['rate==1'],
      checks: ['rate==1'],
      http_req_failed: ['rate==0'],
      // Declared so the summary carries them (the req/s ratio is computed in handleSummary).
      'http_reqs{scenario:floor50}': ['count>0'],
      'http_reqs{scenario:cached50}': ['count>0'],
    },
    summaryTrendStats: TREND_STATS,
  };
}
