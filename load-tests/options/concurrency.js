// concurrency: the floor and cached compute at 50 VUs, then a ramp to 500 VUs with think time.
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { OURS, SEEDS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const d = secondsEnv(env, 'DURATION', byProfile(profile, '30s', '3s'));
  const peak = intEnv(env, 'PEAK_VUS', byProfile(profile, 500, 20), 1, 20_000);
  const vus = byProfile(profile, 50, 5);
  // The ramp's stages, in seconds: up to 50 users, hold, up to the peak, hold, down.
  const [up, hold, climb, peakHold, down] = byProfile(profile, [20, 20, 40, 60, 10], [2, 2, 3, 4, 1]);
  return {
    scenarios: {
      floor50: { executor: 'constant-vus', vus, duration: `${d}s`, exec: 'floor' },
      cached50: { executor: 'constant-vus', vus, duration: `${d}s`, exec: 'cached', startTime: `${d}s` },
      ramp: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: `${up}s`, target: Math.min(50, peak) },
          { duration: `${hold}s`, target: Math.min(50, peak) },
          { duration: `${climb}s`, target: peak },
          { duration: `${peakHold}s`, target: peak },
          { duration: `${down}s`, target: 0 },
        ],
        gracefulRampDown: '10s',
        exec: 'user',
        startTime: `${2 * d}s`,
      },
    },
    thresholds: thresholdsFor(
      profile,
      {
        // The ramp's users with think time: zero errors.
        'http_req_failed{scenario:ramp}': [`rate<=${OURS.errorsAt500Vus}`],
        'checks{scenario:ramp}': ['rate==1'],
        checks: ['rate==1'],
        http_req_failed: ['rate==0'],
      },
      {
        'http_req_duration{scenario:floor50}': [`max<${SEEDS.users50MaxMs}`],
        'http_req_duration{scenario:cached50}': [`max<${SEEDS.users50MaxMs}`, `p(90)<${SEEDS.cachedP90Ms}`],
        // Declared so the summary carries them (the req/s ratio is computed in handleSummary).
        'http_reqs{scenario:floor50}': ['count>0'],
        'http_reqs{scenario:cached50}': ['count>0'],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
