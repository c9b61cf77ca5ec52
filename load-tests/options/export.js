// export: CSV/NDJSON exports of ~1 M rows over HTTP, one alone then several at once.
import { intEnv, secondsEnv } from '../lib/env.js';
import { byProfile, profileOf, thresholdsFor } from '../lib/profile.js';
import { OURS } from '../lib/targets.js';
import { TREND_STATS } from '../lib/summary.js';

/** @param {Record<string, string | undefined>} env */
export function options(env) {
  const profile = profileOf(env);
  const singleSlot = secondsEnv(env, 'SINGLE_SLOT', byProfile(profile, '2m', '15s'));
  return {
    scenarios: {
      single: {
        executor: 'per-vu-iterations',
        vus: 1,
        iterations: intEnv(env, 'ITERATIONS', byProfile(profile, 3, 1), 1, 100),
        exec: 'csvAlone',
        maxDuration: `${singleSlot}s`,
      },
      concurrent: {
        executor: 'per-vu-iterations',
        vus: intEnv(env, 'EXPORT_VUS', byProfile(profile, 4, 2), 1, 100),
        iterations: 1,
        exec: 'mixed',
        maxDuration: byProfile(profile, '20m', '60s'),
        startTime: `${singleSlot}s`,
      },
    },
    thresholds: thresholdsFor(
      profile,
      // Every export carries exactly the rows of its range (a check).
      { checks: ['rate==1'], http_req_failed: ['rate==0'] },
      {
        'wick_export_rows_per_s{scenario:single}': [`med>=${OURS.exportRowsPerS}`],
        wick_export_rss_growth_mb: [`max<${OURS.exportRssGrowthMb}`],
      },
    ),
    summaryTrendStats: TREND_STATS,
  };
}
