// ingest-while-reading: writers ingest candles while readers compute; every read after an ingest
// must reflect it (a check, not a timing).
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const duration = `${secondsEnv(env, 'DURATION', byProfile(profile, '60s', '5s'))}s`;
  return {
    scenarios: {
      readers: { executor: 'constant-vus', vus: intEnv(env, 'READERS', byProfile(profile, 20, 4), 1, 5000), duration, exec: 'read' },
      writers: { executor: 'constant-vus', vus: intEnv(env, 'WRITERS', 2, 1, 50), duration, exec: 'write' },
    },
    thresholds: thresholdsFor(
      profile,
      {
        // Tagged checks of the writers: the read after an ingest sees it.
        'checks{kind:fresh}': ['rate==1'],
        checks: ['rate==1'],
        http_req_failed: ['rate==0'],
      },
      {},
    ),
    summaryTrendStats: TREND_STATS,
  };
}
